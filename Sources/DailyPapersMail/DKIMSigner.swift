import Crypto
import _CryptoExtras
import Foundation

/// DKIM signatures (RFC 6376) with relaxed/relaxed canonicalization, rsa-sha256 or ed25519-sha256 (RFC 8463).
public struct DKIMSigner: Sendable {
    public enum Key: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)

        var algorithm: String {
            switch self {
            case .rsa: return "rsa-sha256"
            case .ed25519: return "ed25519-sha256"
            }
        }
    }

    public let domain: String
    public let selector: String
    public let key: Key
    /// Signed when present, in this order; From is required by RFC 6376.
    public static let signedHeaders = ["from", "to", "subject", "date", "message-id", "mime-version", "content-type",
                                       "list-unsubscribe", "list-unsubscribe-post", "list-id"]

    public init(domain: String, selector: String, key: Key) {
        self.domain = domain
        self.selector = selector
        self.key = key
    }

    /// Reads a key file written by `dailypapers dkim keygen`: an RSA PEM, or `ed25519:` and the base64 raw key.
    public init(domain: String, selector: String, keyFile: String) throws {
        let text = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("ed25519:") {
            guard let raw = Data(base64Encoded: String(text.dropFirst(8))) else {
                throw MailConfigurationError("\(keyFile): the ed25519 key is not base64")
            }
            self.init(domain: domain, selector: selector, key: .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: raw)))
        } else {
            self.init(domain: domain, selector: selector, key: .rsa(try _RSA.Signing.PrivateKey(pemRepresentation: text)))
        }
    }

    /// Returns the message with a DKIM-Signature header in front.
    public func sign(_ message: String, at date: Date = Date()) throws -> String {
        guard let split = message.range(of: "\r\n\r\n") else { throw MailFormatError("a message without a blank line after its headers") }
        let headerBlock = String(message[..<split.lowerBound])
        let body = String(message[split.upperBound...])
        let bodyHash = Data(SHA256.hash(data: Self.relaxedBodyBytes(Array(body.utf8)))).base64EncodedString()

        let headers = Self.headerFields(headerBlock)
        // Each name once, the last occurrence, as RFC 6376 5.4.2 picks from the bottom.
        var chosen: [(String, String)] = []
        for name in Self.signedHeaders {
            if let field = headers.last(where: { $0.name.lowercased() == name }) { chosen.append((name, field.raw)) }
        }
        let names = chosen.map(\.0).joined(separator: ":")
        let unsigned = "v=1; a=\(key.algorithm); c=relaxed/relaxed; d=\(domain); s=\(selector); t=\(Int(date.timeIntervalSince1970)); "
            + "h=\(names); bh=\(bodyHash); b="
        var signed = chosen.map { Self.relaxedHeader($0.1) + "\r\n" }.joined()
        signed += Self.relaxedHeader("DKIM-Signature: " + unsigned)
        let data = Data(signed.utf8)
        let signature: Data
        switch key {
        case .rsa(let k): signature = try k.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation
        case .ed25519(let k): signature = try k.signature(for: Data(SHA256.hash(data: data)))
        }
        // Folded at spaces outside b=, and b= itself cut into continuation lines (its white space is ignored).
        var b64 = Substring(signature.base64EncodedString())
        var header = MIMEWriter.fold("DKIM-Signature: " + unsigned)
        var lineLength = header.count - (header.range(of: "\r\n", options: .backwards)?.upperBound.utf16Offset(in: header) ?? 0)
        while !b64.isEmpty {
            let room = max(8, 76 - lineLength)
            header += b64.prefix(room)
            b64 = b64.dropFirst(room)
            if !b64.isEmpty { header += "\r\n "; lineLength = 1 }
        }
        return header + "\r\n" + message
    }

    /// Header fields with their continuation lines, as written (`name: value\r\n folded`).
    static func headerFields(_ block: String) -> [(name: String, raw: String)] {
        var fields: [(String, String)] = []
        for line in block.components(separatedBy: "\r\n") {
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1].1 += "\r\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]), line))
            }
        }
        return fields
    }

    /// RFC 6376 3.4.2: lower-case name, unfolded value, runs of white space as one space, none at the ends.
    static func relaxedHeader(_ raw: String) -> String {
        guard let colon = raw.firstIndex(of: ":") else { return raw }
        let name = raw[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = raw[raw.index(after: colon)...].replacingOccurrences(of: "\r\n", with: "")
        return name + ":" + collapse(value).trimmingCharacters(in: .whitespaces)
    }

    /// RFC 6376 3.4.4: white space runs as one space, none at line ends, no empty lines at the end, CRLF last.
    /// On bytes: the body is the largest thing signed.
    static func relaxedBody(_ body: String) -> String {
        String(decoding: relaxedBodyBytes(Array(body.utf8)), as: UTF8.self)
    }

    static func relaxedBodyBytes(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var pendingSpace = false
        var emptyLines = 0
        var lineHasContent = false
        var i = 0
        while i < input.count {
            let b = input[i]
            if b == 13, i + 1 < input.count, input[i + 1] == 10 {
                if lineHasContent {
                    out.append(13); out.append(10)
                } else {
                    emptyLines += 1
                }
                pendingSpace = false
                lineHasContent = false
                i += 2
                continue
            }
            if b == 32 || b == 9 {
                pendingSpace = true
            } else {
                if !lineHasContent {
                    // Empty lines followed by content are kept; only trailing ones go.
                    for _ in 0..<emptyLines { out.append(13); out.append(10) }
                    emptyLines = 0
                }
                if pendingSpace { out.append(32); pendingSpace = false }
                out.append(b)
                lineHasContent = true
            }
            i += 1
        }
        if lineHasContent { out.append(13); out.append(10) }
        return out
    }

    static func collapse(_ s: some StringProtocol) -> String {
        var out = ""
        var inSpace = false
        for c in s {
            if c == " " || c == "\t" {
                if !inSpace { out.append(" ") }
                inSpace = true
            } else {
                out.append(c)
                inSpace = false
            }
        }
        return out
    }

    /// A new key and the DNS TXT record that publishes its public half.
    public static func generate(ed25519: Bool) throws -> (keyFile: String, dnsValue: String) {
        if ed25519 {
            let k = Curve25519.Signing.PrivateKey()
            return ("ed25519:" + k.rawRepresentation.base64EncodedString() + "\n",
                    "v=DKIM1; k=ed25519; p=" + k.publicKey.rawRepresentation.base64EncodedString())
        }
        let k = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        return (k.pemRepresentation + "\n", "v=DKIM1; k=rsa; p=" + k.publicKey.derRepresentation.base64EncodedString())
    }
}
