import ArgumentParser
import DailyPapersMail
import Foundation

struct DKIMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dkim", abstract: "DKIM keys for signing mail.",
                                                    subcommands: [DKIMKeygen.self])
}

struct DKIMKeygen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a DKIM key (RSA 2048 or Ed25519), write it to a file readable only by you, and print the DNS TXT record to publish.")

    @Option(help: "Where to write the private key (refused if it exists).") var out: String
    @Option(help: "The domain mail is sent from.") var domain: String
    @Option(help: "The selector (the DNS name's first part).") var selector = "dailypapers"
    @Flag(help: "An Ed25519 key (RFC 8463) instead of RSA 2048.")
    var ed25519 = false

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: out) else { throw ValidationError("'\(out)' exists already; choose a new file") }
        let (key, dns) = try DKIMSigner.generate(ed25519: ed25519)
        guard FileManager.default.createFile(atPath: out, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write '\(out)'")
        }
        print("wrote the private key to \(out) (mode 600); keep it out of version control.")
        print("publish this TXT record:\n")
        print("\(selector)._domainkey.\(domain). IN TXT \"\(Self.chunked(dns))\"")
        print("\nthen serve with --dkim-key \(out) --dkim-selector \(selector)")
    }

    /// DNS TXT strings are at most 255 bytes each; long records are several quoted strings.
    static func chunked(_ value: String) -> String {
        var parts: [String] = []
        var rest = Substring(value)
        while !rest.isEmpty { parts.append(String(rest.prefix(250))); rest = rest.dropFirst(250) }
        return parts.joined(separator: "\" \"")
    }
}
