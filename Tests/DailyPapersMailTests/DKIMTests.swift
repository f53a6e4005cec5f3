import Crypto
@testable import DailyPapersMail
import Foundation
import Testing

@Suite struct DKIMTests {
    /// RFC 6376 3.4.5's example.
    @Test func relaxedCanonicalizationAsInTheRFC() {
        #expect(DKIMSigner.relaxedHeader("A: X") == "a:X")
        #expect(DKIMSigner.relaxedHeader("B : Y\t\r\n\tZ  ") == "b:Y Z")
        #expect(DKIMSigner.relaxedBody(" C \r\nD \t E\r\n\r\n\r\n") == " C\r\nD E\r\n")
        #expect(DKIMSigner.relaxedBody("") == "")
        #expect(DKIMSigner.relaxedBody("\r\n\r\n") == "")
    }

    @Test func ed25519SignatureVerifiesOverTheCanonicalForm() throws {
        let key = Curve25519.Signing.PrivateKey()
        let signer = DKIMSigner(domain: "example.org", selector: "s1", key: .ed25519(key))
        let mailer = Mailer(transport: NoTransport(), messageIDDomain: "example.org", signer: signer)
        let prepared = try mailer.prepare(MailMessage(from: try MailAddress("d@example.org"), to: try MailAddress("a@example.org"),
                                                      subject: "Hello", text: "Body line.\n"), date: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(prepared.data.replacingOccurrences(of: "\r\n ", with: " ").hasPrefix("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.org; s=s1; t=1800000000; h=from:to:subject:date:message-id:mime-version:content-type; bh="))
        // Re-derive what was signed, as a verifier does, and check it with the public key.
        let fields = DKIMSigner.headerFields(String(prepared.data[..<prepared.data.range(of: "\r\n\r\n")!.lowerBound]))
        let dkim = fields[0].raw
        let b = dkim.range(of: "b=", options: .backwards)!
        let signature = Data(base64Encoded: dkim[b.upperBound...].filter { !$0.isWhitespace })!
        var signed = ""
        for name in ["from", "to", "subject", "date", "message-id", "mime-version", "content-type"] {
            signed += DKIMSigner.relaxedHeader(fields.last { $0.name.lowercased() == name }!.raw) + "\r\n"
        }
        signed += DKIMSigner.relaxedHeader(String(dkim[..<b.upperBound]))
        #expect(key.publicKey.isValidSignature(signature, for: Data(SHA256.hash(data: Data(signed.utf8)))))
        for line in prepared.data.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 998) }
    }

    @Test func keygenWritesKeysThatLoad() throws {
        for ed in [true, false] {
            let (file, dns) = try DKIMSigner.generate(ed25519: ed)
            let path = NSTemporaryDirectory() + "dkim-\(UUID().uuidString)"
            try file.write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let signer = try DKIMSigner(domain: "example.org", selector: "s", keyFile: path)
            #expect(dns.hasPrefix(ed ? "v=DKIM1; k=ed25519; p=" : "v=DKIM1; k=rsa; p="))
            _ = try signer.sign("From: a@example.org\r\n\r\nx\r\n")
        }
    }
}

struct NoTransport: MailTransport {
    func deliver(_ mail: PreparedMail, atCommit: @escaping CommitHook) async throws {}
}
