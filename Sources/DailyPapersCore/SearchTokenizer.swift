import Foundation
import Synchronization

/// Splits text into search terms the way the SQLite full-text index does (`unicode61 remove_diacritics 2`
/// then `porter`): runs of letters and digits, lower-cased, accents removed, stemmed. Texts are mostly
/// ASCII, which takes a byte loop; a token with other characters is folded by Foundation.
///
/// Stems are remembered (a corpus has far fewer distinct words than tokens): by each tokenizer, which is
/// for one task at a time, and for the whole process, so a search's first tokenizer finds them stemmed.
public struct SearchTokenizer {
    private var stems: [[UInt8]: String] = [:]
    private static let shared = Mutex<[[UInt8]: String]>([:])
    private static let sharedLimit = 1_000_000

    public init() {}

    /// Every term of the text, in order, repeats kept.
    public mutating func terms(_ text: String) -> [String] {
        var out: [String] = []
        forEachTerm(text) { out.append($0) }
        return out
    }

    public mutating func forEachTerm(_ text: String, _ body: (String) -> Void) {
        var token: [UInt8] = []
        var ascii = true
        var utf8 = text.utf8.makeIterator()
        var pendingScalarBytes: [UInt8] = []
        func flush() {
            defer { token.removeAll(keepingCapacity: true); ascii = true }
            guard !token.isEmpty else { return }
            body(ascii ? stem(token) : stem(Self.fold(token)))
        }
        while let byte = utf8.next() {
            if byte < 0x80 {
                if byte >= 0x41 && byte <= 0x5A {
                    token.append(byte | 0x20)
                } else if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                    token.append(byte)
                } else {
                    flush()
                }
                continue
            }
            // A multi-byte scalar: gather its bytes, then ask Unicode whether it is part of a word.
            pendingScalarBytes.removeAll(keepingCapacity: true)
            pendingScalarBytes.append(byte)
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            for _ in 1..<length { if let next = utf8.next() { pendingScalarBytes.append(next) } }
            guard let scalar = String(decoding: pendingScalarBytes, as: UTF8.self).unicodeScalars.first else { flush(); continue }
            if Self.isWordScalar(scalar) {
                token.append(contentsOf: pendingScalarBytes)
                ascii = false
            } else {
                flush()
            }
        }
        flush()
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

    private mutating func stem(_ token: [UInt8]) -> String {
        if let known = stems[token] { return known }
        let stemmed = Self.shared.withLock { cache in
            if let known = cache[token] { return known }
            let stemmed = String(decoding: PorterStemmer.stem(token), as: UTF8.self)
            if cache.count < Self.sharedLimit { cache[token] = stemmed }
            return stemmed
        }
        if stems.count < Self.sharedLimit { stems[token] = stemmed }
        return stemmed
    }
}
