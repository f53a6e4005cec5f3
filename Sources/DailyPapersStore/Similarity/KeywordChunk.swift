import DailyPapersCore
import Foundation

/// Papers' keyword terms gathered for one keyword write (`PaperStore.saveKeywords`): the words of `Terms`
/// (title twice, abstract once; two-word phrases within a clause) counted by number, each word numbered once for
/// the chunk in a `ByteTable`, a phrase as its two words' numbers. A bulk import fills it as it reads (off the
/// writer), so choosing keywords needs no second read of the texts, and weighing them (`KeywordPass.weigh`)
/// looks counts up by number: strings are made only for the few terms kept.
public struct KeywordChunk: Sendable, AnalyzedWords {
    /// Papers a chunk holds before it is written: a first chunk of this size is already a fair sample for
    /// idf, and its terms fit in about 30 MB.
    public static let size = 10_000
    /// A chunk numbers at most this many words (24 bits of a term); it is full at half of it, and a word past
    /// the limit is not counted. Real text never comes near: 10,000 abstracts hold about 100,000 distinct words.
    static let maxWords = 1 << 24 - 1

    private(set) var words = ByteTable()
    /// For each word, whether it is counted (`Terms.isKeywordWord`).
    private var counted: [Bool] = []
    private(set) var papers: [KeywordPass.Counted] = []
    private var position: [String: Int] = [:]
    private var scratch: [UInt64] = []
    private var scratchText: [UInt8] = []
    /// The paper being read word by word: the word before, for phrases (-1 after a break).
    private var previous: Int32 = -1
    /// Words by the number another table gave them (`word(_:token:of:...)`), -2 when not seen; for that table alone.
    private var wordOfToken: [Int32] = []
    private var tokenSource: UInt64 = 0

    public init() {}

    public var count: Int { papers.count }
    /// Whether the chunk should be written before it takes more papers.
    public var isFull: Bool { papers.count >= Self.size || words.count >= Self.maxWords / 2 }

    /// Adds a paper's title and abstract (a paper added again keeps its last text).
    public mutating func add(_ paper: Paper) {
        add(id: paper.id.base, title: paper.title, abstract: paper.abstract)
    }

    mutating func add(id: String, title: String, abstract: String) {
        begin()
        gather(title, weight: 2)
        gather(abstract, weight: 1)
        finish(id: id)
    }

    /// Starts a paper whose words come one at a time (`word`, `text`), as `SearchAnalyzer` reads them.
    mutating func begin() {
        scratch.removeAll(keepingCapacity: true)
        previous = -1
    }

    /// The next word of a lower-cased ASCII field, numbered by `source`'s table as `token` (`SearchAnalyzer` reads the
    /// words for the search index too: a word it saw before is found here by that number, not looked up again).
    /// `afterClauseBreak`: a clause ended before it (no phrase spans it).
    mutating func word(_ bytes: UnsafeBufferPointer<UInt8>, token: Int32, of source: UInt64, afterClauseBreak: Bool, weight: UInt64) {
        if source != tokenSource {
            tokenSource = source
            wordOfToken.removeAll(keepingCapacity: true)
        }
        if Int(token) >= wordOfToken.count { wordOfToken.append(contentsOf: repeatElement(-2, count: Int(token) + 1 - wordOfToken.count)) }
        var n = wordOfToken[Int(token)]
        if n == -2 {
            n = number(bytes)
            wordOfToken[Int(token)] = n
        }
        if afterClauseBreak { previous = -1 }
        guard n >= 0 else { previous = -1; return }
        scratch.append(KeywordTerm.word(n) | weight)
        if previous >= 0 { scratch.append(KeywordTerm.phrase(previous, n) | weight) }
        previous = n
    }

    /// The end of a field read word by word: no phrase runs into the next.
    mutating func endField() { previous = -1 }

    /// A whole field with characters other than ASCII.
    mutating func text(_ text: String, weight: UInt64) {
        previous = -1
        gatherCharacters(text, weight: weight)
    }

    /// Ends the paper begun: its terms summed and kept (a paper added again keeps its last text).
    mutating func finish(id: String) {
        // Occurrences sorted by term (the weight is in the low bits), then summed.
        scratch.sort()
        var terms: [UInt64] = []
        terms.reserveCapacity(scratch.count / 2)
        var i = 0
        while i < scratch.count {
            let term = scratch[i] & ~KeywordTerm.countMask
            var sum: UInt64 = 0
            while i < scratch.count, scratch[i] & ~KeywordTerm.countMask == term { sum += scratch[i] & KeywordTerm.countMask; i += 1 }
            terms.append(term | min(sum, KeywordTerm.countMask))
        }
        let paper = KeywordPass.Counted(id: id, terms: terms)
        if let at = position[id] { papers[at] = paper } else {
            position[id] = papers.count
            papers.append(paper)
        }
    }

    /// Adds each counted word of a text, and each phrase of two such words side by side, with `weight`.
    private mutating func gather(_ text: String, weight: UInt64) {
        var lowered = scratchText
        scratchText = []
        defer { scratchText = lowered }
        guard ASCIIWords.lowercased(text, into: &lowered) else { return gatherCharacters(text, weight: weight) }
        lowered.withUnsafeBufferPointer { text in
            var previous: Int32 = -1, position = 0
            while let (range, afterClauseBreak) = ASCIIWords.next(in: text, from: &position) {
                if afterClauseBreak { previous = -1 }
                let n = number(UnsafeBufferPointer(rebasing: text[range]))
                guard n >= 0 else { previous = -1; continue }
                scratch.append(KeywordTerm.word(n) | weight)
                if previous >= 0 { scratch.append(KeywordTerm.phrase(previous, n) | weight) }
                previous = n
            }
        }
    }

    /// `gather` for text with other characters: the same terms as `Terms` counts them, numbered.
    private mutating func gatherCharacters(_ text: String, weight: UInt64) {
        var counts: [String: Int] = [:]
        Terms.addCharacters(text, weight: Int(weight), to: &counts)
        for (term, count) in counts {
            let parts = term.split(separator: " ", maxSplits: 1)
            let numbers = parts.map { part -> Int32 in
                var bytes = Array(part.utf8)
                return bytes.withUnsafeMutableBufferPointer { number(UnsafeBufferPointer($0)) }
            }
            guard !numbers.contains(where: { $0 < 0 }) else { continue }
            let key = numbers.count == 2 ? KeywordTerm.phrase(numbers[0], numbers[1]) : KeywordTerm.word(numbers[0])
            // As many entries as it takes: the sum is taken in `finish`.
            var left = UInt64(count)
            while left > 0 { let part = min(left, KeywordTerm.countMask); scratch.append(key | part); left -= part }
        }
    }

    /// A word's number, or -1 when it is not counted.
    private mutating func number(_ word: UnsafeBufferPointer<UInt8>) -> Int32 {
        let (n, new) = words.number(word)
        if new {
            let text = String(decoding: word, as: UTF8.self)
            let ascii = word.allSatisfy { $0 < 0x80 }
            counted.append(Int(n) < Self.maxWords && Terms.isKeywordWord(
                text, length: ascii ? word.count : text.count,
                digitsOnly: ascii ? word.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } : text.allSatisfy(\.isNumber)))
        }
        return counted[Int(n)] ? n : -1
    }

    /// The chunk with only the papers in `ids` (those the saves found new: a paper stored before has its keywords
    /// and is counted in `term_df` already).
    public func keeping(_ ids: Set<String>) -> KeywordChunk {
        var kept = self
        // A paper twice in the chunk (a file listing it twice) is weighed once, as its last record: its words
        // counted once, and one keyword row written for it.
        var seen = Set<String>()
        kept.papers = papers.reversed().filter { ids.contains($0.id) && seen.insert($0.id).inserted }.reversed()
        kept.position = [:]
        kept.wordOfToken = []
        return kept
    }

    /// A term as text: the word, or the two words with a space.
    func text(_ term: UInt64) -> String {
        let (first, second) = KeywordTerm.words(term)
        guard first >= 0 else { return words.string(second) }
        return words.string(first) + " " + words.string(second)
    }

    /// Whether term `x` sorts before `y` as their texts do. A word's bytes are letters and digits, all above the
    /// space, so comparing first words whole (the shorter first when one starts the other) decides unless they are
    /// the same word; then a word alone comes before it with a second word, and two seconds decide.
    func precedes(_ x: UInt64, _ y: UInt64) -> Bool {
        let (x1, x2) = KeywordTerm.words(x), (y1, y2) = KeywordTerm.words(y)
        let xHead = x1 >= 0 ? x1 : x2, yHead = y1 >= 0 ? y1 : y2
        if xHead != yHead { return words.precedes(xHead, yHead) }
        switch (x1 >= 0, y1 >= 0) {
        case (false, false): return false
        case (false, true): return true
        case (true, false): return false
        case (true, true): return x2 != y2 && words.precedes(x2, y2)
        }
    }

    /// What weighing a chunk's terms needs, made once a chunk: each word's count of papers and idf by number, and
    /// the sublinear tf of small counts (two logarithms a term were most of the weighing).
    struct Weighing: Sendable {
        let documents: Double
        let df: [Double]
        let wordIDF: [Double]
        static let tf: [Double] = (0..<256).map { 1 + log(Double(max($0, 1))) }

        /// `df`: papers holding each word (at least 1), by number, of `documents`.
        init(df: [Double], documents: Int) {
            let n = Double(max(documents, 1))
            self.documents = n
            self.df = df
            wordIDF = df.map { Terms.idf(containing: $0, documents: n) }
        }

        /// `Terms.weight` of a term, a phrase's count of papers estimated from its words' (`Terms.phraseContaining`).
        @inline(__always)
        func weight(_ term: UInt64) -> Double {
            let (first, second) = KeywordTerm.words(term)
            let count = Int(term & KeywordTerm.countMask)
            let tf = count < Self.tf.count ? Self.tf[count] : 1 + log(Double(count))
            let idf = first >= 0
                ? Terms.idf(containing: Terms.phraseContaining(df[Int(first)], df[Int(second)], documents: documents), documents: documents)
                : wordIDF[Int(second)]
            return tf * idf
        }
    }

    /// A paper's terms weighed (`Terms.weights` on numbers): sublinear tf-idf, the `keep` heaviest, scaled to unit
    /// length.
    func weights(_ paper: KeywordPass.Counted, weighing: Weighing, keep: Int) -> [(term: String, weight: Double)] {
        let kept = heaviest(paper, weighing: weighing, keep: keep)
        let norm = sqrt(kept.reduce(0) { $0 + $1.weight * $1.weight })
        guard norm > 0 else { return [] }
        return kept.map { (text($0.term), $0.weight / norm) }
    }

    /// A paper's keywords (`Terms.keywords` of its `weights`): the heaviest terms sharing no word with a heavier
    /// one chosen, as text; only the chosen are made strings.
    func keywords(_ paper: KeywordPass.Counted, weighing: Weighing, keep: Int, count: Int = 5) -> [String] {
        var chosen: [String] = []
        var chosenWords: [Int32] = []
        for (term, _) in heaviest(paper, weighing: weighing, keep: keep) where chosen.count < count {
            let (first, second) = KeywordTerm.words(term)
            guard !chosenWords.contains(second), first < 0 || !chosenWords.contains(first) else { continue }
            chosen.append(text(term))
            chosenWords.append(second)
            if first >= 0 { chosenWords.append(first) }
        }
        return chosen
    }

    /// The `keep` heaviest terms, heaviest first (equal weights in the terms' text order), kept as they come (a
    /// paper has a few hundred terms; sorting them all was a tenth of a bulk import's analysis): most fall below
    /// the lightest kept at one comparison.
    private func heaviest(_ paper: KeywordPass.Counted, weighing: Weighing, keep: Int) -> [(term: UInt64, weight: Double)] {
        func heavier(_ a: (term: UInt64, weight: Double), _ b: (term: UInt64, weight: Double)) -> Bool {
            a.weight != b.weight ? a.weight > b.weight : precedes(a.term, b.term)
        }
        var kept: [(term: UInt64, weight: Double)] = []
        kept.reserveCapacity(keep + 1)
        for term in paper.terms {
            let item = (term: term, weight: weighing.weight(term))
            if kept.count == keep, let lightest = kept.last, !heavier(item, lightest) { continue }
            var at = kept.count
            while at > 0, heavier(item, kept[at - 1]) { at -= 1 }
            kept.insert(item, at: at)
            if kept.count > keep { kept.removeLast() }
        }
        return kept
    }
}

/// A keyword term in 64 bits: the first word's number plus one (0 for a single word), the (second) word's
/// number, and a count in the low 16 bits.
enum KeywordTerm {
    static let countMask: UInt64 = 0xFFFF

    static func word(_ n: Int32) -> UInt64 { UInt64(n) << 16 }
    static func phrase(_ a: Int32, _ b: Int32) -> UInt64 { (UInt64(a) + 1) << 40 | UInt64(b) << 16 }
    /// (first word or -1, word).
    static func words(_ term: UInt64) -> (Int32, Int32) {
        (Int32(truncatingIfNeeded: Int64(term >> 40) - 1), Int32(truncatingIfNeeded: (term >> 16) & 0xFF_FFFF))
    }
    static func isWord(_ term: UInt64) -> Bool { term >> 40 == 0 }
}

extension PaperStore {
    /// Weighs a chunk's papers for keywords against the word counts as they stand (reads only).
    public func weighKeywords(_ chunk: KeywordChunk) async throws -> WeighedKeywords {
        try await database.read { db in try await KeywordPass.weigh(chunk, on: db) }
    }

    /// Adds a weighed chunk to the word counts and keeps its keywords, in one transaction.
    public func saveKeywords(_ weighed: WeighedKeywords) async throws {
        guard weighed.papers > 0 else { return }
        try await database.writeWithConnection { db, connection in try await KeywordPass.write(weighed, on: db, connection: connection) }
    }
}
