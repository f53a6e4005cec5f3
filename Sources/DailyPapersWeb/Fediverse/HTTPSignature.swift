import _CryptoExtras
import Crypto
import DailyPapersCore
import Foundation

/// HTTP Signatures as the fediverse signs requests (the "cavage" draft Mastodon uses): a `Signature` header
/// naming a key (`keyId`), the headers signed, and an RSA-SHA256 signature over `name: value` lines of them in
/// that order, `(request-target)` being the method in lower case and the path. A POST also carries `Digest`
/// (SHA-256 of the body), which is signed and checked.
enum HTTPSignature {
    struct Parsed: Equatable {
        let keyID: String
        let headers: [String]
        let signature: Data
    }

    /// The headers this site signs on its own POSTs, and requires of others' (`(request-target)`, `host`, `date`,
    /// and `digest` for a body).
    static let signedOnPost = ["(request-target)", "host", "date", "digest", "content-type"]

    static func digest(_ body: Data) -> String { "SHA-256=" + Data(SHA256.hash(data: body)).base64EncodedString() }

    static func signingString(method: String, path: String, headers names: [String], value: (String) -> String?) -> String? {
        var lines: [String] = []
        for name in names {
            if name == "(request-target)" {
                lines.append("(request-target): \(method.lowercased()) \(path)")
            } else {
                guard let v = value(name) else { return nil }
                lines.append("\(name): \(v)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The `Signature` header of a request this site sends.
    static func sign(method: String, path: String, headers: [(String, String)], keyID: String, key: _RSA.Signing.PrivateKey) throws -> String {
        let names = headers.map { $0.0.lowercased() }
        let text = signingString(method: method, path: path, headers: ["(request-target)"] + names) { name in
            headers.first { $0.0.lowercased() == name }?.1
        }!
        let signature = try key.signature(for: Data(text.utf8), padding: .insecurePKCS1v1_5)
        return "keyId=\"\(keyID)\",algorithm=\"rsa-sha256\",headers=\"\((["(request-target)"] + names).joined(separator: " "))\",signature=\"\(signature.rawRepresentation.base64EncodedString())\""
    }

    /// The parts of a `Signature` header: `name="value"` pairs, comma separated, at most 4 KiB.
    static func parse(_ header: String) -> Parsed? {
        guard header.utf8.count <= 4096 else { return nil }
        var fields: [String: String] = [:]
        var rest = Substring(header)
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            guard rest.first == "\"" else { return nil }
            rest = rest.dropFirst()
            guard let close = rest.firstIndex(of: "\"") else { return nil }
            fields[name] = String(rest[..<close])
            rest = rest[rest.index(after: close)...]
        }
        guard let keyID = fields["keyid"], !keyID.isEmpty, let encoded = fields["signature"],
              let signature = Data(base64Encoded: encoded), !signature.isEmpty else { return nil }
        if let algorithm = fields["algorithm"]?.lowercased(), !["rsa-sha256", "hs2019"].contains(algorithm) { return nil }
        let names = (fields["headers"] ?? "date").lowercased().split(separator: " ").map(String.init)
        guard names.count <= 20 else { return nil }
        return Parsed(keyID: keyID, headers: names, signature: signature)
    }

    /// Whether `signature` is the key's over the request's signing string.
    static func verify(_ parsed: Parsed, method: String, path: String, header: (String) -> String?, publicPEM: String) -> Bool {
        guard let text = signingString(method: method, path: path, headers: parsed.headers, value: header),
              let key = try? _RSA.Signing.PublicKey(pemRepresentation: publicPEM) else { return false }
        return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: parsed.signature), for: Data(text.utf8),
                                    padding: .insecurePKCS1v1_5)
    }

    /// An HTTP date (RFC 9110: "Sun, 06 Nov 1994 08:49:37 GMT").
    static func httpDate(_ date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.string(from: date)
    }

    static func parseHTTPDate(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.date(from: text)
    }
}
