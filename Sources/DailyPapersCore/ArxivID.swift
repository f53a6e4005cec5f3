import Foundation

/// An arXiv identifier, new style (`2412.01981`, `0704.0001`) or old style (`hep-th/9901001`,
/// `math.GT/0309136`), with an optional version. Two ids name the same paper when their `base`
/// is equal; the version only says which revision was seen.
public struct ArxivID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The id without version: what papers are keyed by.
    public let base: String
    /// `nil` when the text named no version.
    public let version: Int?

    public var description: String { versioned }
    public var versioned: String { version.map { "\(base)v\($0)" } ?? base }
    public var isOldStyle: Bool { base.contains("/") }

    public static func < (lhs: ArxivID, rhs: ArxivID) -> Bool {
        (lhs.base, lhs.version ?? 0) < (rhs.base, rhs.version ?? 0)
    }

    public init(base: String, version: Int?) {
        self.base = base
        self.version = version
    }

    /// Parses a bare id, an `arXiv:` prefixed id, or an arXiv URL (abs, pdf, html, with or without
    /// `.pdf`, `http(s)`, `www.` or `export.`). Returns nil for anything else.
    public init?(parsing text: String) {
        var s = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        for prefix in ["https://", "http://"] where s.lowercased().hasPrefix(prefix) {
            s = s.dropFirst(prefix.count)
            guard let slash = s.firstIndex(of: "/") else { return nil }
            let host = s[..<slash].lowercased()
            guard host == "arxiv.org" || host.hasSuffix(".arxiv.org") else { return nil }
            s = s[s.index(after: slash)...]
            let kinds = ["abs/", "pdf/", "html/", "papers/"]
            guard let kind = kinds.first(where: { s.hasPrefix($0) }) else { return nil }
            s = s.dropFirst(kind.count)
            if let q = s.firstIndex(where: { $0 == "?" || $0 == "#" }) { s = s[..<q] }
            if s.hasSuffix("/") { s = s.dropLast() }
            if s.hasSuffix(".pdf") { s = s.dropLast(4) }
        }
        if s.lowercased().hasPrefix("arxiv:") { s = s.dropFirst(6) }
        guard let parsed = ArxivID.parseBare(s) else { return nil }
        self = parsed
    }

    private static func parseBare(_ s: Substring) -> ArxivID? {
        var body = s
        var version: Int?
        if let v = body.lastIndex(of: "v"), v != body.startIndex {
            let digits = body[body.index(after: v)...]
            if !digits.isEmpty, digits.count <= 3, digits.allSatisfy(\.isASCIIDigit), let n = Int(digits), n > 0 {
                version = n
                body = body[..<v]
            } else if !digits.isEmpty {
                return nil
            }
        }
        if isNewStyle(body) || isOldStyle(body) {
            return ArxivID(base: String(body), version: version)
        }
        return nil
    }

    /// YYMM.NNNN (2007-2014) or YYMM.NNNNN (from 2015), month 01-12.
    private static func isNewStyle(_ s: Substring) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[0].allSatisfy(\.isASCIIDigit),
              (4...5).contains(parts[1].count), parts[1].allSatisfy(\.isASCIIDigit),
              let month = Int(parts[0].suffix(2)), (1...12).contains(month) else { return false }
        return true
    }

    /// archive(.SC)?/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
    private static func isOldStyle(_ s: Substring) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let archive = parts[0], number = parts[1]
        guard number.count == 7, number.allSatisfy(\.isASCIIDigit),
              let month = Int(number.dropFirst(2).prefix(2)), (1...12).contains(month) else { return false }
        let nameAndClass = archive.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(nameAndClass.count), let name = nameAndClass.first, (2...12).contains(name.count),
              name.allSatisfy({ $0.isASCIILowercaseLetter || $0 == "-" }) else { return false }
        if nameAndClass.count == 2 {
            let sc = nameAndClass[1]
            guard (1...4).contains(sc.count), sc.allSatisfy({ $0.isASCIILetter }) else { return false }
        }
        return true
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
    var isASCIILowercaseLetter: Bool { isASCII && isLowercase }
}

/// arXiv category names (`cs.LG`, `hep-th`, `astro-ph.CO`, `math`): what may stand for one in a URL or form.
public enum ArxivCategory {
    public static func isPlausible(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.count <= 40 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }
}
