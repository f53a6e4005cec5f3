import ArgumentParser
import DailyPapersJobs
import Foundation

/// Where mail goes, for `serve` and `digest send`.
struct MailOptions: ParsableArguments {
    @Option(help: Setting.mailFolder.help) var mailFolder: String?
    @Option(help: Setting.mailFrom.help) var mailFrom: String?
    @Option(help: Setting.smtpURL.help) var smtpURL: String?
    @Option(help: Setting.dkimKey.help) var dkimKey: String?
    @Option(help: Setting.dkimSelector.help) var dkimSelector: String?
    @Option(help: Setting.dkimDomain.help) var dkimDomain: String?

    var flags: [Setting: String?] {
        [.mailFolder: mailFolder, .mailFrom: mailFrom, .smtpURL: smtpURL, .dkimKey: dkimKey, .dkimSelector: dkimSelector,
         .dkimDomain: dkimDomain]
    }

    static func settings(_ read: SettingsReader, publicURL: String, _ problems: inout [String]) -> MailSettings {
        let host = URL(string: publicURL)?.host ?? "localhost"
        let s = MailSettings(
            folder: read.text(.mailFolder, default: "mail", &problems),
            smtpURL: read.text(.smtpURL, &problems),
            from: read.text(.mailFrom, default: "daily-papers@\(host)", &problems),
            dkimKeyFile: read.text(.dkimKey, &problems),
            dkimSelector: read.text(.dkimSelector, default: "dailypapers", &problems),
            dkimDomain: read.text(.dkimDomain, &problems))
        problems += s.validate()
        return s
    }
}
