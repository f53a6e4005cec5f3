import ArgumentParser
import DailyPapersCore
import DailyPapersJobs
import DailyPapersMail
import DailyPapersStore
import DailyPapersWeb
import Foundation

struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "digest", abstract: "Send the email digest.",
                                                    subcommands: [DigestSend.self])
}

struct DigestSend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send one period's digest to every active subscriber, exactly once each (safe to run again).")

    @OptionGroup var common: DatabaseOptions
    @OptionGroup var mail: MailOptions
    @Option(help: "daily (weekdays) or weekly.") var period = "daily"
    @Option(help: "A day (YYYY-MM-DD, UTC): daily sends that day's papers; weekly the ISO week containing it. Default: today for daily, last week for weekly.")
    var date: String?
    @Flag(help: "Pick the papers and count, but record and send nothing.") var dryRun = false
    @Option(help: "Only the subscriber with this address.") var to: String?
    @Option(help: "SMTP connections used at once (1-64).") var concurrency = 4
    @Option(help: Setting.publicURL.help) var publicURL: String?
    @Option(help: Setting.siteName.help) var siteName: String?

    func run() async throws {
        var problems: [String] = []
        guard let frequency = DigestFrequency(rawValue: period) else { throw ValidationError("--period '\(period)' is not daily or weekly") }
        let today = CalendarDay(utcOf: .now)
        var day = frequency == .daily ? today : today.advanced(by: -7)
        if let date {
            guard let d = CalendarDay(iso: date) else { throw ValidationError("--date '\(date)' is not a day as YYYY-MM-DD") }
            day = d
        }
        let digestPeriod: DigestPeriod
        if frequency == .daily {
            guard let p = DigestPeriod.daily(day) else {
                print("\(day.iso) is a weekend day: daily digests go out on weekdays only; nothing to send.")
                return
            }
            digestPeriod = p
        } else {
            digestPeriod = .weekly(containing: day)
        }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 64") }
        let read = try await common.settings(mail.flags.merging([.publicURL: publicURL, .siteName: siteName]) { $1 })
        var url = "http://127.0.0.1:8080"
        if let text = read.text(.publicURL, &problems) {
            do { url = try AppConfiguration.parsePublicURL(text) } catch { problems.append(DatabaseOptions.flagged(error)) }
        }
        let siteName = read.text(.siteName, default: "Daily Papers", &problems)
        let settings = MailOptions.settings(read, publicURL: url, &problems)
        try problems.throwIfAny()
        let (database, logger) = try await openDatabase(common, read, &problems)
        do {
            let site = DigestSite(name: siteName, publicURL: url, from: try MailAddress(settings.from, name: siteName))
            let host = URL(string: url)?.host ?? "localhost"
            let job = DigestJob(database: database, site: site, logger: logger) {
                // Checked by validate(); a failure here would be a bug, reported as such by the first send.
                (try? settings.mailer(messageIDDomain: host, logger: logger))
                    ?? Mailer(transport: FailingTransport(), messageIDDomain: host)
            }
            let progress = TerminalProgress(interactive: isatty(STDERR_FILENO) != 0)
            let report = try await job.run(.init(period: digestPeriod, dryRun: dryRun, only: to, concurrency: concurrency)) { r in
                let done = r.sent + r.skipped + r.failed + r.deferred + r.alreadyHandled
                progress.show(count: done, unit: "digests", fraction: r.subscribers > 0 ? Double(done) / Double(r.subscribers) : nil)
            }
            progress.clearLine()
            let seconds = Date().timeIntervalSince(progress.start)
            print("\(dryRun ? "dry run, " : "")\(digestPeriod.key): \(report) in \(String(format: "%.1f", seconds))s")
            await database.close()
            if report.deferred > 0 || report.failed > 0 { throw ExitCode(1) }
        } catch {
            await database.close()
            throw error
        }
    }
}

/// Stands in when a mailer cannot be built (settings are validated first, so this is never expected).
struct FailingTransport: MailTransport {
    func deliver(_ mail: PreparedMail, atCommit: @escaping CommitHook) async throws {
        throw ValidationError("the mail settings could not be turned into a transport")
    }
}

