import ArgumentParser
import DailyPapersJobs
import Foundation

/// Where mail goes, for `serve` and `digest send`. Each has an environment fallback.
struct MailOptions: ParsableArguments {
    @Option(help: "Folder where mail is written as .eml files when no SMTP server is set (env DAILYPAPERS_MAIL_FOLDER; default ./mail).")
    var mailFolder: String?

    @Option(help: "From address (env DAILYPAPERS_MAIL_FROM; default daily-papers@ the public URL's host).")
    var mailFrom: String?

    @Option(help: "SMTP server: smtp://user:pass@host:587 (STARTTLS) or smtps://host:465; ?tls=required|none, ?ca=FILE (env DAILYPAPERS_SMTP_URL).")
    var smtpURL: String?

    @Option(help: "DKIM private key file from `dailypapers dkim keygen` (env DAILYPAPERS_DKIM_KEY).")
    var dkimKey: String?

    @Option(help: "DKIM selector (env DAILYPAPERS_DKIM_SELECTOR; default dailypapers).")
    var dkimSelector: String?

    @Option(help: "DKIM signing domain (env DAILYPAPERS_DKIM_DOMAIN; default the From address's domain).")
    var dkimDomain: String?

    func settings(publicURL: String, _ problems: inout [String]) -> MailSettings {
        let host = URL(string: publicURL)?.host ?? "localhost"
        let s = MailSettings(
            folder: mailFolder ?? Environment.value("DAILYPAPERS_MAIL_FOLDER") ?? "mail",
            smtpURL: smtpURL ?? Environment.value("DAILYPAPERS_SMTP_URL"),
            from: mailFrom ?? Environment.value("DAILYPAPERS_MAIL_FROM") ?? "daily-papers@\(host)",
            dkimKeyFile: dkimKey ?? Environment.value("DAILYPAPERS_DKIM_KEY"),
            dkimSelector: dkimSelector ?? Environment.value("DAILYPAPERS_DKIM_SELECTOR") ?? "dailypapers",
            dkimDomain: dkimDomain ?? Environment.value("DAILYPAPERS_DKIM_DOMAIN"))
        problems += s.validate()
        return s
    }
}
