import Foundation

/// A message in its final wire form, with the envelope an SMTP server needs.
public struct PreparedMail: Sendable {
    public var envelopeFrom: String
    public var recipient: String
    public var data: String
    public var messageID: String

    public init(envelopeFrom: String, recipient: String, data: String, messageID: String) {
        self.envelopeFrom = envelopeFrom
        self.recipient = recipient
        self.data = data
        self.messageID = messageID
    }
}

/// Somewhere messages go: a local folder by default, an SMTP server in production.
public protocol MailTransport: Sendable {
    /// Delivers one message. `beforeCommit` runs when everything but the final step has been done
    /// (for SMTP: the content is sent and only the final dot remains), so a caller can record that
    /// the message is going out, and a crash after that point is never followed by a second copy.
    func deliver(_ mail: PreparedMail, beforeCommit: @Sendable () async throws -> Void) async throws
    /// Ends open connections.
    func close() async
}

extension MailTransport {
    public func close() async {}
}

/// Turns messages into signed wire form and hands them to a transport.
public struct Mailer: Sendable {
    public let transport: any MailTransport
    let writer: MIMEWriter
    let signer: DKIMSigner?

    public init(transport: any MailTransport, messageIDDomain: String, signer: DKIMSigner? = nil) {
        self.transport = transport
        self.writer = MIMEWriter(messageIDDomain: messageIDDomain)
        self.signer = signer
    }

    public func prepare(_ message: MailMessage, messageID: String? = nil, date: Date = Date()) throws -> PreparedMail {
        let id = messageID ?? "<\(UUID().uuidString.lowercased())@\(writer.messageIDDomain)>"
        var data = try writer.render(message, date: date, messageID: id)
        if let signer { data = try signer.sign(data, at: date) }
        return PreparedMail(envelopeFrom: message.from.address, recipient: message.to.address, data: data, messageID: id)
    }

    public func send(_ message: MailMessage, messageID: String? = nil,
                     beforeCommit: @Sendable () async throws -> Void = {}) async throws {
        try await transport.deliver(try prepare(message, messageID: messageID), beforeCommit: beforeCommit)
    }
}

/// The embedded default: each message becomes an `.eml` file in a folder, so a new instance's owner
/// sees what would have been sent (any mail client opens these files) without running a server.
/// Files appear whole: written under a temporary name, then renamed (the rename is the commit).
public struct FolderMailTransport: MailTransport {
    public let folder: URL

    public init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    public func deliver(_ mail: PreparedMail, beforeCommit: @Sendable () async throws -> Void) async throws {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let safeTo = String(mail.recipient.map { $0.isLetter || $0.isNumber || $0 == "@" || $0 == "." ? $0 : "_" })
        let name = "\(stamp)-\(safeTo)-\(UUID().uuidString.prefix(8)).eml"
        let temporary = folder.appendingPathComponent("." + name + ".tmp")
        try Data(mail.data.utf8).write(to: temporary)
        try await beforeCommit()
        try FileManager.default.moveItem(at: temporary, to: folder.appendingPathComponent(name))
    }
}
