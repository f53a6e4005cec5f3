import DailyPapersMail
import DailyPapersStore
import Foundation
import Logging

/// How an instance sends mail: a folder of .eml files (the embedded default) or an SMTP server, and
/// optionally a DKIM key. Read once at start-up; `mailer()` gives each sender its own transport.
public struct MailSettings: Sendable {
    public var folder: String
    /// `smtp://user:pass@host:587` or `smtps://host:465`; nil writes to `folder`.
    public var smtpURL: String?
    public var from: String
    public var dkimKeyFile: String?
    public var dkimSelector: String
    public var dkimDomain: String?

    public init(folder: String = "mail", smtpURL: String? = nil, from: String = "daily-papers@localhost",
                dkimKeyFile: String? = nil, dkimSelector: String = "dailypapers", dkimDomain: String? = nil) {
        self.folder = folder
        self.smtpURL = smtpURL
        self.from = from
        self.dkimKeyFile = dkimKeyFile
        self.dkimSelector = dkimSelector
        self.dkimDomain = dkimDomain
    }

    /// Everything checked up front, every problem named: the sender address, the SMTP URL, the key file.
    public func validate() -> [String] {
        var problems: [String] = []
        var domain = "localhost"
        do { domain = String(try MailAddress(from).domain) } catch { problems.append("--mail-from '\(from)' is \(error)") }
        if let url = smtpURL {
            do { _ = try SMTPConfiguration(url: url, heloName: domain) } catch { problems.append("--smtp-url: \(error)") }
        }
        if let key = dkimKeyFile {
            do { _ = try DKIMSigner(domain: dkimDomain ?? domain, selector: dkimSelector, keyFile: key) } catch {
                problems.append("--dkim-key '\(key)' cannot be read as a DKIM private key: \(error)")
            }
        }
        return problems
    }

    public var fromAddress: MailAddress { get throws { try MailAddress(from) } }

    /// A new mailer with its own transport (an SMTP connection is not shared between senders).
    public func mailer(messageIDDomain: String, logger: Logger) throws -> Mailer {
        let address = try MailAddress(from)
        let signer = try dkimKeyFile.map { try DKIMSigner(domain: dkimDomain ?? String(address.domain), selector: dkimSelector, keyFile: $0) }
        let transport: any MailTransport
        if let url = smtpURL {
            transport = SMTPTransport(try SMTPConfiguration(url: url, heloName: String(address.domain)), logger: logger)
        } else {
            transport = try FolderMailTransport(folder: URL(fileURLWithPath: folder))
        }
        return Mailer(transport: transport, messageIDDomain: messageIDDomain, signer: signer)
    }
}
