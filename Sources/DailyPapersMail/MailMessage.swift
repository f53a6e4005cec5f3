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
        guard !text.isEmpty else { throw fail("it is empty") }
        guard text.utf8.count <= 254 else { throw fail("it is longer than 254 characters") }
        guard text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            throw fail("it contains spaces, control characters or non-ASCII characters")
        }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw fail("it needs exactly one @ between a name and a domain") }
        let local = parts[0], domain = parts[1]
        guard local.utf8.count <= 64 else { throw fail("the part before @ is longer than 64 characters") }
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        guard local.allSatisfy(localAllowed.contains), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            throw fail("the part before @ has characters or dots an address cannot have")
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let labelAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        // `localhost` is the one dotless domain accepted: the embedded default sends from it.
        guard labels.count >= 2 || domain.lowercased() == "localhost", labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && $0.allSatisfy(labelAllowed.contains)
                                                     && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else {
            throw fail("the domain '\(domain)' is not a valid host name")
        }
        return text
    }
}

public struct MailAddressError: Error, Equatable, CustomStringConvertible {
    public let address: String
    public let problem: String
    public var description: String { "not a usable email address: \(problem)" }
}
