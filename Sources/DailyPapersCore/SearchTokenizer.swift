import Foundation
import Synchronization

/// Splits text into search terms the way the SQLite full-text index does (`unicode61 remove_diacritics 2`
/// then `porter`): runs of letters and digits, lower-cased, accents removed, stemmed. Texts are mostly
/// ASCII, which takes a byte loop; a token with other characters is folded by Foundation.
///
/// Stems are remembered for the whole process (a corpus has far fewer distinct words than tokens), so
/// a snippet finds its words stemmed by the indexing before it.
public enum SearchTokenizer {
    private static let shared = Mutex<[Token: String]>([:])
    private static let sharedLimit = 1_000_000

    /// Every term of the text, in order, repeats kept.
    public static func terms(_ text: String) -> [String] {
        var out: [String] = []
        forEachTerm(text) { out.append($0) }
        return out
    }

    public static func forEachTerm(_ text: String, _ body: (String) -> Void) {
        forEachToken(text) { term, _ in body(term); return true }
    }

    /// Each term with the UTF-8 offsets of the word it came from; `body` returns false to stop. With
    /// `lookingFor`, a word that cannot stem to one of those terms is passed as "" unstemmed (most words
    /// of an abstract, when a snippet looks for a query's few terms).
    ///
    /// Why a word can be ruled out by how it starts: Porter's steps strip a suffix and put back at most
    /// a few letters, and where they put back letters the word had others in at most the last two
    /// places of the stem ("possibilities" becomes "possibl": "possib" + "l"). So a word stems to a term
    /// only if it starts with the term less its last two letters, and always with its first letter.
    /// Only for words all ASCII: folding accents changes the bytes. `SearchQueryTests` checks this over
    /// the fixture abstracts; it held, checked once, for every word of the 74,728 papers of
    /// ../shared/data/arxiv-corpus (titles, abstracts, comments and author names: 261,886 tokens).
    public static func forEachToken(_ text: String, lookingFor terms: Set<String>? = nil, _ body: (String, Range<Int>) -> Bool) {
        // The initials as a table: a Set hashes every byte it is asked about, and most words are asked.
        var wanted = [Bool](repeating: terms == nil, count: 256)
        for term in terms ?? [] { if let first = term.utf8.first { wanted[Int(first)] = true } }
        let starts = (terms ?? []).map { Array($0.utf8.prefix(max(1, $0.utf8.count - 2))) }
        var token: [UInt8] = []
        var inToken = false, skipping = false, ascii = true
        var utf8 = text.utf8.makeIterator()
        var pendingScalarBytes: [UInt8] = []
        var offset = 0, tokenStart = 0, stopped = false
        // A word that starts with an ASCII letter or digit not among the initials is not gathered at all:
        // folding leaves ASCII as it is and stemming keeps the first letter, so it cannot become a term looked for.
        func start(at position: Int, firstByte: UInt8?) {
            inToken = true
            tokenStart = position
            skipping = firstByte.map { !wanted[Int($0)] } ?? false
        }
        func flush(at end: Int) {
            defer { token.removeAll(keepingCapacity: true); ascii = true; inToken = false; skipping = false }
            guard inToken, !stopped else { return }
            if skipping || (terms != nil && ascii && !starts.contains(where: { token.starts(with: $0) })) {
                if !body("", tokenStart..<end) { stopped = true }
                return
            }
            if !body(ascii ? stem(token) : stem(Self.fold(token)), tokenStart..<end) { stopped = true }
        }
        while !stopped, let byte = utf8.next() {
            offset += 1
            if byte < 0x80 {
                let lowered = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                if (lowered >= 0x61 && lowered <= 0x7A) || (lowered >= 0x30 && lowered <= 0x39) {
                    if !inToken { start(at: offset - 1, firstByte: lowered) }
                    if !skipping { token.append(lowered) }
                } else if inToken {
                    flush(at: offset - 1)
                }
                continue
            }
            // A multi-byte scalar: gather its bytes, then ask Unicode whether it is part of a word.
            let scalarStart = offset - 1
            pendingScalarBytes.removeAll(keepingCapacity: true)
            pendingScalarBytes.append(byte)
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            for _ in 1..<length { if let next = utf8.next() { pendingScalarBytes.append(next); offset += 1 } }
            guard let scalar = String(decoding: pendingScalarBytes, as: UTF8.self).unicodeScalars.first else { flush(at: scalarStart); continue }
            if Self.isWordScalar(scalar) {
                if !inToken { start(at: scalarStart, firstByte: nil) }
                if !skipping { token.append(contentsOf: pendingScalarBytes) }
                ascii = false
            } else {
                flush(at: scalarStart)
            }
        }
        flush(at: offset)
    }

    /// Letters, digits and other numbers, private-use characters (FTS5's token characters), and
    /// combining marks, which are accents to remove rather than separators.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .privateUse, .nonspacingMark:
            return true
        default:
            return false
        }
    }

    static func fold(_ token: [UInt8]) -> [UInt8] {
        let folded = String(decoding: token, as: UTF8.self)
            .lowercased().folding(options: .diacriticInsensitive, locale: nil)
        // Folding can leave marks that have no base form; they are not part of the word.
        return Array(String(folded.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
            .map(Character.init)).utf8)
    }

    /// A token's bytes, hashed in one go (an array of bytes hashes byte by byte).
    struct Token: Hashable, Sendable {
        let bytes: [UInt8]
        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    private static func stem(_ bytes: [UInt8]) -> String {
        let token = Token(bytes: bytes)
        return Self.shared.withLock { cache in
            if let known = cache[token] { return known }
            let stemmed = String(decoding: PorterStemmer.stem(bytes), as: UTF8.self)
            if cache.count < Self.sharedLimit { cache[token] = stemmed }
            return stemmed
        }
    }
}
