import ArgumentParser
import DailyPapersCore
import DailyPapersIngest
import Foundation

/// A synthetic corpus for scale tests, in the corpus's own JSON-lines format (so `dailypapers import
/// arxiv-jsonl` reads it). What it learns from the real corpus and samples from:
/// - titles and abstracts: first-order word chains (which word follows which, with its frequency), so
///   vocabulary, word frequencies and common phrases match; abstract lengths from the real lengths;
/// - authors: the number per paper, first and last names by their real frequencies;
/// - categories: whole real category lists (keeps cross-listing patterns); comments likewise;
/// - ids and dates: `--per-month` papers a month, counting back from `--last-month`.
struct SynthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "synth", abstract: "Write N synthetic papers as JSON lines to stdout.")

    @Option(help: "The real corpus (JSON lines, plain or .gz).") var corpus: String
    @Option(help: "Papers to write.") var count = 100_000
    @Option(help: "Papers per month of ids.") var perMonth = 20_000
    @Option(help: "The newest month of ids, YYMM.") var lastMonth = 2607
    @Option(help: "Random seed.") var seed: UInt64 = 7

    func run() async throws {
        let started = Date()
        let model = try CorpusModel(path: corpus)
        FileHandle.standardError.write(Data("learned from \(model.papers) papers in \(Int(Date().timeIntervalSince(started))) s; writing \(count)\n".utf8))
        var rng = SplitMix64(seed: seed)
        var out: [UInt8] = []
        out.reserveCapacity(1 << 22)
        var month = lastMonth
        var number = 0
        for i in 0..<count {
            if number == perMonth || number == 99_999 {
                number = 0
                month = month % 100 == 1 ? month - 100 + 11 : month - 1
            }
            number += 1
            let id = String(format: "%04d.%05d", month, number)
            model.writePaper(id: id, into: &out, rng: &rng)
            if out.count > 1 << 22 {
                FileHandle.standardOutput.write(Data(out))
                out.removeAll(keepingCapacity: true)
            }
            if i % 250_000 == 0, i > 0 { FileHandle.standardError.write(Data("\(i) papers\n".utf8)) }
        }
        FileHandle.standardOutput.write(Data(out))
    }
}

/// Word chains and empirical distributions learned from the corpus.
final class CorpusModel {
    let papers: Int
    private let vocabulary: [String]
    private let titles: Chain
    private let abstracts: Chain
    private let abstractLengths: [Int]
    private let authorCounts: [Int]
    private let firstNames: [String]
    private let lastNames: [String]
    private let categoryLists: [[String]]
    private let comments: [String?]

    init(path: String) throws {
        let reader = try LineReader(path: path)
        var titlePairs: [UInt64] = [], abstractPairs: [UInt64] = []
        var titleStarts: [Int32] = [], abstractStarts: [Int32] = []
        var lengths: [Int] = [], counts: [Int] = [], first: [String] = [], last: [String] = []
        var categories: [[String]] = [], comments: [String?] = []
        var n = 0
        var vocabulary = ["<end>"]
        var index: [String: Int32] = ["<end>": 0]
        func id(_ word: Substring) -> Int32 {
            let w = String(word)
            if let i = index[w] { return i }
            let i = Int32(vocabulary.count)
            vocabulary.append(w)
            index[w] = i
            return i
        }
        func learn(_ text: String, pairs: inout [UInt64], starts: inout [Int32]) -> Int {
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(id)
            guard let firstWord = words.first else { return 0 }
            starts.append(firstWord)
            for (a, b) in zip(words, words.dropFirst() + [0]) { pairs.append(UInt64(UInt32(a)) << 32 | UInt64(UInt32(b))) }
            return words.count
        }
        while let line = try reader.next() {
            guard let paper = try? ArxivJSONLReader.paper(fromLine: line) else { continue }
            n += 1
            _ = learn(paper.title, pairs: &titlePairs, starts: &titleStarts)
            lengths.append(learn(paper.abstract, pairs: &abstractPairs, starts: &abstractStarts))
            counts.append(max(1, paper.authors.count))
            for author in paper.authors {
                let parts = author.name.split(separator: " ")
                guard parts.count >= 2 else { continue }
                first.append(parts.dropLast().joined(separator: " "))
                last.append(String(parts.last!))
            }
            categories.append(paper.categories)
            comments.append(paper.comment)
        }
        papers = n
        self.vocabulary = vocabulary
        titles = Chain(pairs: titlePairs, starts: titleStarts)
        abstracts = Chain(pairs: abstractPairs, starts: abstractStarts)
        abstractLengths = lengths
        authorCounts = counts
        firstNames = first
        lastNames = last
        categoryLists = categories
        self.comments = comments
    }

    func writePaper(id: String, into out: inout [UInt8], rng: inout SplitMix64) {
        let title = titles.walk(rng: &rng, target: 0, vocabulary: vocabulary)
        let target = abstractLengths[Int(rng.next() % UInt64(abstractLengths.count))]
        let abstract = abstracts.walk(rng: &rng, target: target, vocabulary: vocabulary)
        var authors: [String] = []
        for _ in 0..<authorCounts[Int(rng.next() % UInt64(authorCounts.count))] {
            authors.append(firstNames[Int(rng.next() % UInt64(firstNames.count))] + " " + lastNames[Int(rng.next() % UInt64(lastNames.count))])
        }
        let categories = categoryLists[Int(rng.next() % UInt64(categoryLists.count))]
        let comment = comments[Int(rng.next() % UInt64(comments.count))]
        out += Array("{\"id\": \"\(id)\", \"authors\": [".utf8)
        for (i, a) in authors.enumerated() { if i > 0 { out += Array(", ".utf8) }; JSONText.append(a, to: &out) }
        out += Array("], \"title\": ".utf8)
        JSONText.append(title, to: &out)
        out += Array(", \"categories\": [".utf8)
        for (i, c) in categories.enumerated() { if i > 0 { out += Array(", ".utf8) }; JSONText.append(c, to: &out) }
        out += Array("], \"comment\": ".utf8)
        if let comment { JSONText.append(comment, to: &out) } else { out += Array("null".utf8) }
        out += Array(", \"summary\": ".utf8)
        JSONText.append(abstract, to: &out)
        out += Array("}\n".utf8)
    }
}

/// Successors of each word in compressed rows: `next[offsets[w]..<offsets[w+1]]` with cumulative counts,
/// sampled by binary search; word 0 ends the text.
struct Chain {
    var offsets: [Int]
    var next: [Int32]
    var cumulative: [UInt32]
    var starts: [Int32]

    init(pairs unsorted: [UInt64], starts: [Int32]) {
        let pairs = unsorted.sorted()
        let words = Int((pairs.last ?? 0) >> 32) + 2
        offsets = [Int](repeating: 0, count: words + 1)
        next = []; cumulative = []
        var i = 0
        var row = 0
        while i < pairs.count {
            let a = Int(pairs[i] >> 32)
            while row <= a { offsets[row] = next.count; row += 1 }
            var total: UInt32 = 0
            while i < pairs.count, Int(pairs[i] >> 32) == a {
                let b = pairs[i]
                var c: UInt32 = 0
                while i < pairs.count, pairs[i] == b { c += 1; i += 1 }
                total += c
                next.append(Int32(truncatingIfNeeded: b & 0xFFFF_FFFF))
                cumulative.append(total)
            }
        }
        while row <= words { offsets[row] = next.count; row += 1 }
        self.starts = starts
    }

    /// A text from a real first word; for `target` > 0, at least that many words (a new sentence
    /// starts where the chain ends early) and then on to the end of a sentence.
    func walk(rng: inout SplitMix64, target: Int, vocabulary: [String]) -> String {
        var words: [String] = []
        var w = starts[Int(rng.next() % UInt64(starts.count))]
        let cap = target > 0 ? target + target / 10 + 3 : 40
        while words.count < cap {
            words.append(vocabulary[Int(w)])
            let lo = offsets[Int(w)], hi = offsets[Int(w) + 1]
            var following: Int32 = 0
            if hi > lo {
                let pick = UInt32(rng.next() % UInt64(cumulative[hi - 1])) + 1
                var a = lo, b = hi - 1
                while a < b { let m = (a + b) / 2; if cumulative[m] >= pick { b = m } else { a = m + 1 } }
                following = next[a]
            }
            if following == 0 {
                if words.count >= target { break }
                following = starts[Int(rng.next() % UInt64(starts.count))]
            } else if target > 0, words.count >= target, vocabulary[Int(w)].hasSuffix(".") {
                break
            }
            w = following
        }
        return words.joined(separator: " ")
    }
}

enum JSONText {
    static func append(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0..<0x20: out += Array(String(format: "\\u%04x", b).utf8)
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}
