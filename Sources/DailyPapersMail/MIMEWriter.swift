import DailyPapersCore
import Foundation

/// Writes a `MailMessage` in the wire form of RFC 5322 and MIME (RFC 2045-2047): CRLF line ends,
/// header lines folded under 78 characters, non-ASCII header text as encoded words, bodies in
/// quoted-printable so every line stays within limits whatever the text holds.
public struct MIMEWriter: Sendable {
    /// The domain used in Message-IDs (the sender's, so ids are unique to this site).
    public var messageIDDomain: String

    public init(messageIDDomain: String) { self.messageIDDomain = messageIDDomain }

    public func render(_ message: MailMessage, date: Date = Date(), messageID: String? = nil,
                       boundary: String = "=_dp_" + RandomTag.hex()) throws(MailFormatError) -> String {
        // Built as bytes: this runs once per digest, and the bodies are most of a message.
        var out: [UInt8] = []
        out.reserveCapacity(message.text.utf8.count + (message.html?.utf8.count ?? 0) * 11 / 10 + 2048)
        func header(_ name: String, _ value: String) throws(MailFormatError) {
            try MIMEWriter.checkHeader(name: name, value: value)
            out.append(contentsOf: MIMEWriter.fold(name + ": " + value).utf8)
            out.append(13); out.append(10)
        }
        try header("From", MIMEWriter.mailbox(message.from))
        try header("To", MIMEWriter.mailbox(message.to))
        guard !message.subject.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw MailFormatError("the subject contains a line break or another control character")
        }
        try header("Subject", MIMEWriter.encodedWords(message.subject))
        try header("Date", MIMEWriter.rfc5322Date(date))
        try header("Message-ID", messageID ?? "<\(RandomTag.hex())@\(messageIDDomain)>")
        try header("MIME-Version", "1.0")
        for h in message.headers { try header(h.name, h.value) }
        if let html = message.html {
            try header("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")
            out.append(contentsOf: "\r\n--\(boundary)\r\n".utf8)
            MIMEWriter.appendPart("text/plain", message.text, encoded: message.encodedText, to: &out)
            out.append(contentsOf: "--\(boundary)\r\n".utf8)
            MIMEWriter.appendPart("text/html", html, encoded: message.encodedHTML, to: &out)
            out.append(contentsOf: "--\(boundary)--\r\n".utf8)
        } else {
            MIMEWriter.appendPart("text/plain", message.text, encoded: message.encodedText, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func part(_ type: String, _ body: String) -> String {
        var out: [UInt8] = []
        appendPart(type, body, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendPart(_ type: String, _ body: String, encoded: [UInt8]? = nil, to out: inout [UInt8]) {
        out.append(contentsOf: "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
        if let encoded { out.append(contentsOf: encoded) } else { QuotedPrintable.append(body, to: &out) }
        out.append(13); out.append(10)
    }

    /// Header names are printable ASCII without colons; values never carry CR or LF (header injection).
    static func checkHeader(name: String, value: String) throws(MailFormatError) {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }) else {
            throw MailFormatError("header name '\(name)' is not printable ASCII without ':'")
        }
        guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw MailFormatError("header \(name) contains a line break")
        }
    }

    static func mailbox(_ a: MailAddress) -> String {
        guard let name = a.name else { return a.address }
        let simple = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0 == " " || ("0"..."9").contains($0)) }
        if simple { return "\(name) <\(a.address)>" }
        if name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(a.address)>"
        }
        return "\(encodedWords(name)) <\(a.address)>"
    }

    /// RFC 2047 `=?utf-8?B?...?=` words for text that is not plain ASCII; each word at most 75
    /// characters, split on character boundaries so no UTF-8 sequence is cut.
    public static func encodedWords(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for ch in text {
            let bytes = Array(String(ch).utf8)
            // 39 bytes encode to 52 base64 characters; with "=?utf-8?B?" and "?=" a word is 64, so
            // "Subject: " and the first word fit on one line.
            if chunk.count + bytes.count > 39 {
                words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: " ")
    }

    /// Folds a header line at spaces so each physical line stays within 78 characters where possible.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 78 else { return line }
        // On bytes: long headers (List-Unsubscribe, DKIM-Signature) are folded in every message.
        var out: [UInt8] = []
        out.reserveCapacity(line.utf8.count + 16)
        var currentStart = 0  // where the current physical line starts in `out`
        var currentEmpty = true
        for (index, word) in line.utf8.split(separator: 32, omittingEmptySubsequences: false).enumerated() {
            let currentLength = out.count - currentStart
            // Never break right after "Name:": some readers keep the leading space of such a value.
            if index > 1, !currentEmpty, currentLength + 1 + word.count > 78 {
                out.append(13); out.append(10)
                currentStart = out.count
                out.append(32)
            } else if !currentEmpty {
                out.append(32)
            }
            out.append(contentsOf: word)
            currentEmpty = out.count == currentStart
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `Wed, 04 Dec 2024 08:13:20 +0000` (Core's formatter: a DateFormatter per message is costly, and
    /// a shared one is not safe across threads on every platform).
    static func rfc5322Date(_ date: Date) -> String {
        Timestamp(secondsSince1970: date.timeIntervalSince1970.rounded(.down)).rfc5322
    }
}

public struct MailFormatError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Quoted-printable (RFC 2045 6.7) over UTF-8: lines of at most 76 characters with soft breaks,
/// CRLF line ends, trailing white space protected, and a leading dot encoded so dot-stuffing never matters.
/// Works on bytes: a digest's HTML part is encoded once per subscriber, so this is on the hot path.
public enum QuotedPrintable {
    static let hex = Array("0123456789ABCDEF".utf8)

    /// Text of whole lines (it ends with a line break), encoded once. The encoder starts afresh after
    /// every line break, so the encoding of joined pieces is the pieces' encodings joined: a digest encodes
    /// each paper's block once per run and every message only joins them.
    public struct Lines: Sendable {
        public let text: String
        public let encoded: [UInt8]
        public init(_ text: String) {
            // Bytes: "\r\n" is one Character, so hasSuffix("\n") would miss it.
            precondition(text.utf8.last == 10 || text.utf8.last == 13, "quoted-printable pieces must end with a line break")
            self.text = text
            var out: [UInt8] = []
            QuotedPrintable.append(text, to: &out)
            encoded = out
        }
    }

    public static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the encoding of `text` to `out`.
    public static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { append($0, to: &out) }
    }

    static func append(_ input: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        // Worst case: every byte escaped (3x), plus a soft break for every 73 characters written.
        let capacity = input.count * 3 + (input.count * 3 / 73 + 2) * 3
        let encoded = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, written in
            var o = 0
            var lineLength = 0
            var i = 0
            let n = input.count
            while i < n {
                let b = input[i]
                if b == 13 || b == 10 {  // CRLF, CR or LF: one hard line break
                    buffer[o] = 13; buffer[o + 1] = 10; o += 2
                    lineLength = 0
                    i += (b == 13 && i + 1 < n && input[i + 1] == 10) ? 2 : 1
                    continue
                }
                let next = i + 1 < n ? input[i + 1] : 10
                let endOfLine = next == 13 || next == 10
                var literal = (b >= 33 && b <= 126 && b != 61 && !(b == 46 && lineLength == 0)) || (b == 32 && !endOfLine)
                if lineLength + (literal ? 1 : 3) > 75 {
                    buffer[o] = 61; buffer[o + 1] = 13; buffer[o + 2] = 10; o += 3  // soft break
                    lineLength = 0
                    // After a soft break a dot would start the line: encode it then too.
                    if b == 46 { literal = false }
                }
                if literal {
                    buffer[o] = b; o += 1; lineLength += 1
                } else {
                    buffer[o] = 61; buffer[o + 1] = hex[Int(b >> 4)]; buffer[o + 2] = hex[Int(b & 15)]; o += 3; lineLength += 3
                }
                i += 1
            }
            written = o
        }
        out.append(contentsOf: encoded)
    }
}
