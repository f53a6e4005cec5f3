import Foundation

/// Terms of a paper for similarity and keywords: lower-cased words of letters and digits (at least two
/// characters, not only digits, not a stopword) and bigrams of two such words side by side. The title's
/// terms count twice, since a title says what a paper is about in fewer words.
public enum Terms {
    public static func counts(title: String, abstract: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        add(title, weight: 2, to: &counts)
        add(abstract, weight: 1, to: &counts)
        return counts
    }

    static func add(_ text: String, weight: Int, to counts: inout [String: Int]) {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { addASCII(text, weight: weight, to: &counts) } else { addCharacters(text, weight: weight, to: &counts) }
    }

    public static func addCharacters(_ text: String, weight: Int, to counts: inout [String: Int]) {
        var previous: String?
        var word = ""
        func flush() {
            defer { word = "" }
            guard !word.isEmpty else { return }
            let w = word.lowercased()
            count(w, length: w.count, digitsOnly: w.allSatisfy(\.isNumber), weight: weight, after: &previous, in: &counts)
        }
        for ch in text {
            if ch.isLetter || ch.isNumber {
                word.append(ch)
            } else {
                flush()
                if endsBigrams(ch.asciiValue) { previous = nil }
            }
        }
        flush()
    }

    /// `addCharacters` for ASCII text, most abstracts: the same words read as bytes, without the Unicode property
    /// lookups of Character that took a tenth of a bulk import's time.
    static func addASCII(_ text: String, weight: Int, to counts: inout [String: Int]) {
        var previous: String?
        var word: [UInt8] = []
        var digitsOnly = true
        func flush() {
            if !word.isEmpty { count(String(decoding: word, as: UTF8.self), length: word.count, digitsOnly: digitsOnly, weight: weight, after: &previous, in: &counts) }
            word.removeAll(keepingCapacity: true)
            digitsOnly = true
        }
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39: word.append(byte)
            case 0x41...0x5A: word.append(byte | 0x20); digitsOnly = false
            case 0x61...0x7A: word.append(byte); digitsOnly = false
            default:
                flush()
                if endsBigrams(byte) { previous = nil }
            }
        }
        flush()
    }

    /// A bigram never spans a sentence or a clause.
    private static func endsBigrams(_ byte: UInt8?) -> Bool { ASCIIWords.endsClause(byte) }

    /// Counts a lower-cased word (`length` in characters) and its bigram with the word before it.
    private static func count(_ w: String, length: Int, digitsOnly: Bool, weight: Int, after previous: inout String?,
                              in counts: inout [String: Int]) {
        guard isKeywordWord(w, length: length, digitsOnly: digitsOnly) else { previous = nil; return }
        counts[w, default: 0] += weight
        if let p = previous { counts[p + " " + w, default: 0] += weight }
        previous = w
    }

    /// Whether a lower-cased word (`length` in characters) is counted: at least two characters and at most 40, not
    /// only digits, not a stopword.
    public static func isKeywordWord(_ w: String, length: Int, digitsOnly: Bool) -> Bool {
        length >= 2 && length <= 40 && !digitsOnly && !stopwords.contains(w)
    }

    /// How many papers a two-word phrase is taken to be in, from its words' counts (see `weights`).
    @inline(__always)
    public static func phraseContaining(_ a: Double, _ b: Double, documents n: Double) -> Double {
        min(max(a * b / n, 1), min(a, b))
    }

    /// A term's weight before normalising: sublinear tf (`count` in the paper) times idf (`containing` of `n` papers).
    @inline(__always)
    public static func weight(count: Int, containing: Double, documents n: Double) -> Double {
        (1 + log(Double(count))) * idf(containing: containing, documents: n)
    }

    /// A term's idf, smoothed: `containing` of `n` papers hold it.
    @inline(__always)
    public static func idf(containing: Double, documents n: Double) -> Double {
        log((1 + n) / (1 + containing)) + 1
    }

    /// sublinear tf-idf, the `keep` heaviest terms, scaled to unit length (so a dot product is a cosine).
    /// `df` is the number of indexed papers containing each word (this one included), `documents` their count.
    /// Only words are counted: a bigram's count is estimated from its words' as if they were independent
    /// (`df(a) x df(b) / N`, at least 1 and at most the rarer word's), which spares counting the millions of
    /// two-word phrases a large corpus holds, most of them in one paper only.
    public static func weights(_ counts: [String: Int], df: [String: Int], documents: Int, keep: Int = 30) -> [(term: String, weight: Double)] {
        let n = Double(max(documents, 1))
        // Each word's count once, by the word as a substring, so a bigram's halves are looked up without
        // making strings of them (both are among the paper's words when `counts` comes from `counts(title:abstract:)`).
        var wordDF: [Substring: Double] = [:]
        wordDF.reserveCapacity(counts.count)
        for term in counts.keys where isWord(term) { wordDF[Substring(term)] = Double(max(df[term] ?? 1, 1)) }
        var scored = counts.map { term, count -> (term: String, weight: Double) in
            let containing: Double
            if let space = term.utf8.firstIndex(of: 0x20) {
                let first = term[..<space], second = term[term.utf8.index(after: space)...]
                let a = wordDF[first] ?? Double(max(df[String(first)] ?? 1, 1))
                let b = wordDF[second] ?? Double(max(df[String(second)] ?? 1, 1))
                containing = phraseContaining(a, b, documents: n)
            } else {
                containing = wordDF[Substring(term)] ?? 1
            }
            return (term, weight(count: count, containing: containing, documents: n))
        }
        scored.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.term < $1.term }
        let kept = scored.prefix(keep)
        let norm = sqrt(kept.reduce(0) { $0 + $1.weight * $1.weight })
        guard norm > 0 else { return [] }
        return kept.map { ($0.term, $0.weight / norm) }
    }

    /// Whether a term is a word (counted in `df`) rather than a bigram.
    public static func isWord(_ term: String) -> Bool { !term.utf8.contains(0x20) }

    /// Keywords to show: the heaviest terms, leaving out a word already inside a chosen bigram.
    public static func keywords(_ weighted: [(term: String, weight: Double)], count: Int = 5) -> [String] {
        var chosen: [String] = []
        // A term shares a word with a chosen one exactly when it holds a word of the chosen ones.
        var chosenWords = Set<Substring>()
        for (term, _) in weighted.sorted(by: { $0.weight != $1.weight ? $0.weight > $1.weight : $0.term < $1.term }) where chosen.count < count {
            let words = term.split(separator: " ")
            guard !words.contains(where: chosenWords.contains) else { continue }
            chosen.append(term)
            chosenWords.formUnion(words)
        }
        return chosen
    }

    /// English function words and the boilerplate of abstracts, which say nothing about a topic.
    public static let stopwords: Set<String> = [
        "a", "about", "above", "across", "after", "again", "against", "all", "almost", "along", "also", "although", "always",
        "among", "an", "and", "another", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below",
        "between", "both", "but", "by", "can", "cannot", "could", "did", "do", "does", "doing", "done", "due", "during",
        "each", "either", "enough", "especially", "etc", "even", "ever", "every", "few", "for", "from", "further", "had",
        "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "however", "i", "if", "in", "into", "is",
        "it", "its", "itself", "just", "less", "like", "made", "make", "makes", "making", "many", "may", "more", "most",
        "much", "must", "namely", "neither", "no", "nor", "not", "of", "off", "often", "on", "once", "one", "only", "or",
        "other", "others", "our", "ours", "out", "over", "own", "per", "rather", "same", "several", "she", "should", "since",
        "so", "some", "such", "than", "that", "the", "their", "them", "themselves", "then", "there", "therefore", "these",
        "they", "this", "those", "through", "thus", "to", "too", "two", "under", "until", "up", "upon", "us", "use", "used",
        "uses", "using", "very", "via", "was", "we", "well", "were", "what", "when", "where", "whether", "which", "while",
        "who", "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your",
        // Abstract boilerplate.
        "paper", "propose", "proposed", "proposes", "present", "presents", "presented", "show", "shows", "shown", "showing",
        "demonstrate", "demonstrates", "results", "result", "approach", "approaches", "method", "methods", "novel", "new",
        "work", "study", "based", "existing", "recent", "recently", "significantly", "significant", "various", "extensive",
        "experiments", "experimental", "furthermore", "moreover", "additionally", "code", "available", "https", "http",
        "github", "com", "www", "first", "second", "three", "introduce", "introduces", "achieve", "achieves", "achieving",
        "state", "art", "effectiveness", "effective", "problem", "different", "provide", "provides", "key", "leverage",
        "leverages", "leveraging", "enable", "enables", "address", "improve", "improves", "improved", "improving", "outperforms",
    ]
}
