@testable import DailyPapersMail
import NIOCore
import Foundation
import Testing

@Suite struct MailAddressTests {
    @Test(arguments: ["a@example.org", "first.last+tag@sub.example.co.uk", "daily-papers@localhost"])
    func accepts(address: String) throws {
        #expect(try MailAddress(address).address == address)
    }

    @Test(arguments: [
        ("", "empty"), ("no-at.example.org", "exactly one @"), ("a@b@example.org", "exactly one @"),
        ("a@example.org\r\nBcc: x@example.org", "spaces, control characters"), ("a b@example.org", "spaces"),
        ("ü@example.org", "non-ASCII"), (".a@example.org", "dots"), ("a@-example.org", "not a valid host"),
        ("a@example", "not a valid host"), (String(repeating: "a", count: 65) + "@example.org", "longer than 64"),
        ("a@" + String(repeating: "b", count: 250) + ".org", "longer than 254"),
    ])
    func refuses(address: String, reason: String) {
        #expect(throws: MailAddressError.self) { try MailAddress(address) }
        do { _ = try MailAddress(address) } catch { #expect(error.description.contains(reason), "\(error)") }
    }

    @Test func displayNamesCannotBreakHeaders() {
        #expect(throws: MailAddressError.self) { try MailAddress("a@example.org", name: "Eve\r\nBcc: x@example.org") }
    }
}

@Suite struct MIMEWriterTests {
    let writer = MIMEWriter(messageIDDomain: "papers.example.org")

    @Test func plainMessageHasTheRequiredHeadersAndCRLF() throws {
        let m = MailMessage(from: try MailAddress("daily@papers.example.org", name: "Daily Papers"),
                            to: try MailAddress("ada@example.org"), subject: "Hello", text: "Line one.\nLine two.")
        let text = try writer.render(m, date: Date(timeIntervalSince1970: 1_733_300_000), messageID: "<id-1@papers.example.org>")
        #expect(text == "From: Daily Papers <daily@papers.example.org>\r\nTo: ada@example.org\r\nSubject: Hello\r\n"
            + "Date: Wed, 04 Dec 2024 08:13:20 +0000\r\nMessage-ID: <id-1@papers.example.org>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "Line one.\r\nLine two.\r\n")
    }

    @Test func nonASCIISubjectsAreEncodedWordsAndBodiesQuotedPrintable() throws {
        let m = MailMessage(from: try MailAddress("d@example.org", name: "Zoë Café"), to: try MailAddress("a@example.org"),
                            subject: "Les articles du jour — été 2024", text: "Très bien. " + String(repeating: "x", count: 100),
                            html: "<p>Très</p>")
        let text = try writer.render(m, boundary: "B")
        #expect(text.contains("Subject: =?utf-8?B?"))
        #expect(text.contains("From: =?utf-8?B?"))
        #expect(text.contains("Content-Type: multipart/alternative; boundary=\"B\"\r\n\r\n--B\r\n"))
        #expect(text.contains("Tr=C3=A8s bien."))
        #expect(text.hasSuffix("--B--\r\n"))
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78, "\(line)") }
        // Decoding the encoded words gives the subject back.
        let subjectLine = text.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }.prefix { !$0.hasPrefix("Date:") }.joined()
        let decoded = subjectLine.dropFirst("Subject: ".count).split(separator: " ").map { word -> String in
            let b64 = word.dropFirst("=?utf-8?B?".count).dropLast(2)
            return String(decoding: Data(base64Encoded: String(b64))!, as: UTF8.self)
        }.joined()
        #expect(decoded == "Les articles du jour — été 2024")
    }

    @Test func headerInjectionIsRefused() throws {
        let m = MailMessage(from: try MailAddress("d@example.org"), to: try MailAddress("a@example.org"), subject: "Hi\r\nBcc: x@example.org",
                            text: "x")
        #expect(throws: MailFormatError.self) { try writer.render(m) }
        let h = MailMessage(from: try MailAddress("d@example.org"), to: try MailAddress("a@example.org"), subject: "Hi", text: "x",
                            headers: [("X-Bad: y\r\nBcc", "z")])
        #expect(throws: MailFormatError.self) { try writer.render(h) }
    }

    @Test func quotedPrintableKeepsLinesShortAndDotsSafe() {
        let encoded = QuotedPrintable.encode(".starts with a dot\n" + String(repeating: "é", count: 60) + " \ntrailing space ")
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines[0] == "=2Estarts with a dot")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(encoded.hasSuffix("trailing space=20"))
    }

    @Test func folderTransportWritesWholeFiles() async throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory() + "mail-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: folder) }
        let mailer = Mailer(transport: try FolderMailTransport(folder: folder), messageIDDomain: "example.org")
        try await mailer.send(MailMessage(from: try MailAddress("d@example.org"), to: try MailAddress("a@example.org"), subject: "S", text: "T"))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.count == 1 && names[0].hasSuffix(".eml") && !names[0].hasPrefix("."))
        let text = try String(contentsOf: folder.appendingPathComponent(names[0]), encoding: .utf8)
        #expect(text.contains("Subject: S\r\n") && text.contains("Message-ID: <") && text.contains("@example.org>"))
    }
}

@Suite struct QuotedPrintablePiecesTests {
    /// What lets a digest encode each paper once: pieces ending in a line break encode independently.
    @Test func encodingWholeLinePiecesEqualsEncodingTheirJoin() {
        let pieces = [".dot first\n", String(repeating: "é", count: 40) + " trailing \n", "=equals= and\ttab\r\n",
                      String(repeating: "x", count: 200) + "\n", "\n", "last line\n"]
        var joined: [UInt8] = []
        for p in pieces { joined += QuotedPrintable.Lines(p).encoded }
        #expect(String(decoding: joined, as: UTF8.self) == QuotedPrintable.encode(pieces.joined()))
    }

    @Test func aMessageWithEncodedPartsIsWrittenAsTheStringsWouldBe() throws {
        var m = MailMessage(from: try MailAddress("a@example.org"), to: try MailAddress("b@example.org"), subject: "S",
                            text: "plain é\n", html: "<p>x</p>\n")
        let writer = MIMEWriter(messageIDDomain: "example.org")
        let plain = try writer.render(m, date: Date(timeIntervalSince1970: 0), messageID: "<1@example.org>", boundary: "B")
        m.encodedText = QuotedPrintable.Lines("plain é\n").encoded
        m.encodedHTML = QuotedPrintable.Lines("<p>x</p>\n").encoded
        #expect(try writer.render(m, date: Date(timeIntervalSince1970: 0), messageID: "<1@example.org>", boundary: "B") == plain)
    }
}

@Suite struct SMTPFramingTests {
    @Test func dotStuffingDoublesLeadingDotsAndEndsWithCRLF() {
        let out = String(buffer: SMTPConnection.dotStuffed(".hidden\r\nplain\n..two\r\n.\rlast"))
        #expect(out == "..hidden\r\nplain\r\n...two\r\n..\r\nlast\r\n")
    }

    /// Messages already in wire form are copied as they are; anything else takes the byte-by-byte path.
    @Test func wireFormIsRecognisedAndEverythingElseStuffed() {
        for text in ["a\r\nb\r\n", "From: x\r\n\r\n=2E dot\r\n"] {
            var bytes = text
            #expect(bytes.withUTF8 { SMTPConnection.isWireForm($0) })
            #expect(String(buffer: SMTPConnection.dotStuffed(text)) == text)
        }
        let cases = ["a\r\n.b\r\n": "a\r\n..b\r\n", ".a\r\n": "..a\r\n", "a\nb\r\n": "a\r\nb\r\n", "a\rb\r\n": "a\r\nb\r\n",
                     "a\r\nb": "a\r\nb\r\n", "a\r\n\r": "a\r\n\r\n"]
        for (input, wire) in cases { #expect(String(buffer: SMTPConnection.dotStuffed(input)) == wire, "\(input.debugDescription)") }
    }

    @Test func datesAreRFC5322InUTC() {
        #expect(MIMEWriter.rfc5322Date(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(MIMEWriter.rfc5322Date(Date(timeIntervalSince1970: 1_709_164_800)) == "Thu, 29 Feb 2024 00:00:00 +0000")
        #expect(MIMEWriter.rfc5322Date(Date(timeIntervalSince1970: 1_798_761_599)) == "Thu, 31 Dec 2026 23:59:59 +0000")
    }
}
