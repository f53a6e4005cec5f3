import Foundation

/// Somewhere messages go: a local folder by default, an SMTP server in production.
public protocol MailTransport: Sendable {
    /// Sends one message; returns only when the transport has taken responsibility for it.
    func send(_ message: MailMessage) async throws
}

/// The embedded default: each message becomes an `.eml` file in a folder, so a new instance's owner
/// sees what would have been sent (any mail client opens these files) without running a server.
/// Files appear whole: written under a temporary name, then renamed.
public struct FolderMailTransport: MailTransport {
    public let folder: URL
    let writer: MIMEWriter

    public init(folder: URL, messageIDDomain: String) throws {
        self.folder = folder
        self.writer = MIMEWriter(messageIDDomain: messageIDDomain)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    public func send(_ message: MailMessage) async throws {
        let text = try writer.render(message)
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let safeTo = String(message.to.address.map { $0.isLetter || $0.isNumber || $0 == "@" || $0 == "." ? $0 : "_" })
        let name = "\(stamp)-\(safeTo)-\(UUID().uuidString.prefix(8)).eml"
        let temporary = folder.appendingPathComponent("." + name + ".tmp")
        try Data(text.utf8).write(to: temporary)
        try FileManager.default.moveItem(at: temporary, to: folder.appendingPathComponent(name))
    }
}
