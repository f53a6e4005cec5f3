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
        var message = message
        let header = try message.withUTF8 { try signatureHeader(for: $0, at: date) }
        return header + message
    }

    /// The `DKIM-Signature: ...\r\n` field for a message in wire form. Works on the message's bytes: every
    /// digest passes through here, and the body (the largest part) is canonicalized and hashed in one pass.
    func signatureHeader(for message: UnsafeBufferPointer<UInt8>, at date: Date) throws -> String {
        guard let split = Self.find([13, 10, 13, 10], in: message) else {
            throw MailFormatError("a message without a blank line after its headers")
        }
        let bodyHash = Data(SHA256.hash(data: Self.relaxedBodyBytes(UnsafeBufferPointer(rebasing: message[(split + 4)...]))))
            .base64EncodedString()
        let headers = Self.headerFields(UnsafeBufferPointer(rebasing: message[..<split]))
        // Each name once, the last occurrence, as RFC 6376 5.4.2 picks from the bottom.
        var names: [String] = []
        var signed: [UInt8] = []
        signed.reserveCapacity(split + 512)
        for name in Self.signedHeaders {
            guard let field = headers.last(where: { $0.name == name }) else { continue }
            names.append(name)
            Self.appendRelaxedHeader(UnsafeBufferPointer(rebasing: message[field.range]), to: &signed)
            signed.append(13); signed.append(10)
        }
        let unsigned = "v=1; a=\(key.algorithm); c=relaxed/relaxed; d=\(domain); s=\(selector); t=\(Int(date.timeIntervalSince1970)); "
            + "h=\(names.joined(separator: ":")); bh=\(bodyHash); b="
        Self.appendRelaxedHeader(Array(("DKIM-Signature: " + unsigned).utf8), to: &signed)
        let signature: Data
        switch key {
        case .rsa(let k): signature = try k.signature(for: signed, padding: .insecurePKCS1v1_5).rawRepresentation
        case .ed25519(let k): signature = try k.signature(for: Data(SHA256.hash(data: signed)))
        }
        // Folded at spaces outside b=, and b= itself cut into continuation lines (its white space is ignored).
        var b64 = Substring(signature.base64EncodedString())
        var header = MIMEWriter.fold("DKIM-Signature: " + unsigned)
        var lineLength = header.utf8.count - (header.range(of: "\r\n", options: .backwards)?.upperBound.utf16Offset(in: header) ?? 0)
        while !b64.isEmpty {
            let room = max(8, 76 - lineLength)
            header += b64.prefix(room)
            b64 = b64.dropFirst(room)
            if !b64.isEmpty { header += "\r\n "; lineLength = 1 }
        }
        return header + "\r\n"
    }

    static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Header fields with their continuation lines, as written (`name: value\r\n folded`).
    static func headerFields(_ block: String) -> [(name: String, raw: String)] {
        var block = block
        return block.withUTF8 { bytes in
            headerFields(bytes).map { (String(decoding: Array(bytes[$0.range]).prefix(while: { $0 != 58 }), as: UTF8.self),
                                       String(decoding: UnsafeBufferPointer(rebasing: bytes[$0.range]), as: UTF8.self)) }
        }
    }

    /// Each field of a header block: its lower-cased name and the byte range of the whole field,
    /// continuation lines included (without the final CRLF).
    static func headerFields(_ block: UnsafeBufferPointer<UInt8>) -> [(name: String, range: Range<Int>)] {
        var fields: [(name: String, range: Range<Int>)] = []
        var lineStart = 0
        while lineStart < block.count {
            var end = lineStart
            while end < block.count, !(block[end] == 13 && end + 1 < block.count && block[end + 1] == 10) { end += 1 }
            let first = block[lineStart]
            if (first == 32 || first == 9), let last = fields.indices.last {
                fields[last].range = fields[last].range.lowerBound..<end
            } else if let colon = (lineStart..<end).first(where: { block[$0] == 58 }) {
                var name = ""
                for b in block[lineStart..<colon] where b != 32 && b != 9 { name.append(Character(Unicode.Scalar(b >= 65 && b <= 90 ? b + 32 : b))) }
                fields.append((name, lineStart..<end))
            }
            lineStart = end + 2
        }
        return fields
    }

    /// RFC 6376 3.4.2: lower-case name, unfolded value, runs of white space as one space, none at the ends.
    static func relaxedHeader(_ raw: String) -> String {
        var out: [UInt8] = []
        appendRelaxedHeader(Array(raw.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendRelaxedHeader(_ raw: some Collection<UInt8>, to out: inout [UInt8]) {
        guard let colon = raw.firstIndex(of: 58) else { out.append(contentsOf: raw); return }
        for b in raw[..<colon] where b != 32 && b != 9 { out.append(b >= 65 && b <= 90 ? b + 32 : b) }
        out.append(58)
        var pendingSpace = false
        var started = false
        for b in raw[raw.index(after: colon)...] {
            switch b {
            case 13, 10: continue  // unfold
            case 32, 9: pendingSpace = started
            default:
                if pendingSpace { out.append(32); pendingSpace = false }
                out.append(b)
                started = true
            }
        }
    }

    /// RFC 6376 3.4.4: white space runs as one space, none at line ends, no empty lines at the end, CRLF last.
    static func relaxedBody(_ body: String) -> String {
        String(decoding: relaxedBodyBytes(Array(body.utf8)), as: UTF8.self)
    }

    static func relaxedBodyBytes(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBufferPointer { relaxedBodyBytes($0) }
    }

    static func relaxedBodyBytes(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // The output is never longer than the input plus a final CRLF; written through a pointer, as
        // every message's body passes through here.
        [UInt8](unsafeUninitializedCapacity: input.count + 2) { out, written in
            var o = 0
            var pendingSpace = false
            var emptyLines = 0
            var lineHasContent = false
            var i = 0
            let n = input.count
            while i < n {
                let b = input[i]
                if b == 13, i + 1 < n, input[i + 1] == 10 {
                    if lineHasContent {
                        out[o] = 13; out[o + 1] = 10; o += 2
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
                        for _ in 0..<emptyLines { out[o] = 13; out[o + 1] = 10; o += 2 }
                        emptyLines = 0
                    }
                    if pendingSpace { out[o] = 32; o += 1; pendingSpace = false }
                    out[o] = b; o += 1
                    lineHasContent = true
                }
                i += 1
            }
            if lineHasContent { out[o] = 13; out[o + 1] = 10; o += 2 }
            written = o
        }
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
