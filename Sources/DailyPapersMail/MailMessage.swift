import Foundation

/// One message, as values: who, what, and its plain-text and optional HTML bodies. Building the wire
/// form (headers, MIME parts, encodings) is `MIMEWriter`'s job; sending it is a `MailTransport`'s.
public struct MailMessage: Sendable, Equatable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    public var text: String
    public var html: String?
    /// Extra headers (List-Unsubscribe and the like), in order. Names and values are checked when written.
    public var headers: [(name: String, value: String)]
    /// `text` and `html` in quoted-printable, when the sender has them already: a digest joins pieces
    /// encoded once per run (see `QuotedPrintable.Lines`). Written instead of encoding the strings.
    public var encodedText: [UInt8]?
    public var encodedHTML: [UInt8]?

    public init(from: MailAddress, to: MailAddress, subject: String, text: String, html: String? = nil,
                headers: [(name: String, value: String)] = []) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.headers = headers
    }

    public static func == (a: MailMessage, b: MailMessage) -> Bool {
        a.from == b.from && a.to == b.to && a.subject == b.subject && a.text == b.text && a.html == b.html
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
}

/// A mailbox: an address and an optional display name. Validation refuses what could break a header
/// (CR, LF, NUL, angle brackets) or a mail server (over-long parts), and says which rule failed.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public let address: String
    public let name: String?

    public var description: String { name.map { "\($0) <\(address)>" } ?? address }
    public var domain: Substring { address[address.index(after: address.lastIndex(of: "@")!)...] }

    public init(_ address: String, name: String? = nil) throws(MailAddressError) {
        self.address = try MailAddress.validate(address)
        if let name, name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw MailAddressError(address: address, problem: "the display name contains control characters")
        }
        self.name = name?.isEmpty == true ? nil : name
    }

    /// RFC 5321 limits (64-octet local part, 254 in all) and a conservative character set: what
    /// sign-up forms everywhere accept. Internationalised addresses (SMTPUTF8) are refused, not mangled.
    static func validate(_ raw: String) throws(MailAddressError) -> String {
        let text = raw.trimmingCharacters(in: .whitespaces)
        func fail(_ problem: String) -> MailAddressError { MailAddressError(address: raw, problem: problem) }
        // On bytes with fixed tables: every digest checks its recipient's address.
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw fail("it is empty") }
        guard bytes.count <= 254 else { throw fail("it is longer than 254 characters") }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw fail("it contains spaces, control characters or non-ASCII characters")
        }
        let at = bytes.indices.filter { bytes[$0] == UInt8(ascii: "@") }
        guard at.count == 1, at[0] > 0, at[0] < bytes.count - 1 else { throw fail("it needs exactly one @ between a name and a domain") }
        let local = bytes[..<at[0]], domain = bytes[(at[0] + 1)...]
        guard local.count <= 64 else { throw fail("the part before @ is longer than 64 characters") }
        let dot = UInt8(ascii: ".")
        guard local.allSatisfy({ localAllowed[Int($0)] }), local.first != dot, local.last != dot,
              !zip(local, local.dropFirst()).contains(where: { $0 == dot && $1 == dot }) else {
            throw fail("the part before @ has characters or dots an address cannot have")
        }
        let labels = domain.split(separator: dot, omittingEmptySubsequences: false)
        let hyphen = UInt8(ascii: "-")
        // `localhost` is the one dotless domain accepted: the embedded default sends from it.
        guard labels.count >= 2 || String(decoding: domain, as: UTF8.self).lowercased() == "localhost",
              labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && $0.allSatisfy { labelAllowed[Int($0)] } && $0.first != hyphen && $0.last != hyphen })
        else {
            throw fail("the domain '\(String(decoding: domain, as: UTF8.self))' is not a valid host name")
        }
        return text
    }

    private static let localAllowed = table("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
    private static let labelAllowed = table("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
    private static func table(_ allowed: String) -> [Bool] {
        var t = [Bool](repeating: false, count: 256)
        for b in allowed.utf8 { t[Int(b)] = true }
        return t
    }
}

public struct MailAddressError: Error, Equatable, CustomStringConvertible {
    public let address: String
    public let problem: String
    public var description: String { "not a usable email address: \(problem)" }
}
