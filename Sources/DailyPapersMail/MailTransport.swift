import Foundation
import NIOCore
import NIOPosix

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

/// The caller's part at the commit point of a delivery. It is called when everything but the final
/// step is done (for SMTP: the content is with the server, only the final dot is left). It records
/// that the message is going out and, the moment that record is durable, calls `finalStep` itself,
/// without waiting for other work, so that a crash between the two is as unlikely as it can be.
public typealias CommitHook = @Sendable (_ finalStep: @escaping @Sendable () -> EventLoopFuture<Void>) async throws -> Void

/// Somewhere messages go: a local folder by default, an SMTP server in production.
public protocol MailTransport: Sendable {
    /// Delivers one message, calling `atCommit` once at the commit point (see `CommitHook`).
    func deliver(_ mail: PreparedMail, atCommit: @escaping CommitHook) async throws
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
        let id = messageID ?? "<\(RandomTag.hex())@\(writer.messageIDDomain)>"
        var data = try writer.render(message, date: date, messageID: id)
        if let signer { data = try signer.sign(data, at: date) }
        return PreparedMail(envelopeFrom: message.from.address, recipient: message.to.address, data: data, messageID: id)
    }

    public func send(_ message: MailMessage, messageID: String? = nil,
                     atCommit: @escaping CommitHook = { finalStep in try await finalStep().get() }) async throws {
        try await transport.deliver(try prepare(message, messageID: messageID), atCommit: atCommit)
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

    public func deliver(_ mail: PreparedMail, atCommit: @escaping CommitHook) async throws {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let safeTo = String(mail.recipient.map { $0.isLetter || $0.isNumber || $0 == "@" || $0 == "." ? $0 : "_" })
        let name = "\(stamp)-\(safeTo)-\(RandomTag.hex(bytes: 4)).eml"
        let temporary = folder.appendingPathComponent("." + name + ".tmp")
        try Data(mail.data.utf8).write(to: temporary)
        let target = folder.appendingPathComponent(name)
        do {
            try await atCommit {
                let loop = MultiThreadedEventLoopGroup.singleton.next()
                do { try FileManager.default.moveItem(at: temporary, to: target) } catch { return loop.makeFailedFuture(error) }
                return loop.makeSucceededVoidFuture()
            }
        } catch {
            // Called off (or the rename failed): no half-delivered file stays behind.
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
