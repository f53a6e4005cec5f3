import ArgumentParser
import DailyPapersCore
import DailyPapersIngest
import DailyPapersJobs
import DailyPapersStore
import Foundation

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Fetch papers from outside sources.", subcommands: [IngestArxivCommand.self])
}

struct IngestArxivCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arxiv",
        abstract: "Fetch new papers of some categories from arXiv (at most one request every 3 seconds).")

    @OptionGroup var common: DatabaseOptions
    @OptionGroup var arxiv: ArxivOptions

    @Option(help: "Categories, comma separated, e.g. cs.LG,cs.CL (env DAILYPAPERS_INGEST_CATEGORIES).")
    var categories: String?

    @Option(help: "Fetch from this day (YYYY-MM-DD); default: where the last harvest stopped, or two days ago.")
    var since: String?

    @Option(help: "api, oai or listing (default oai).")
    var via: String = "oai"

    func run() async throws {
        var problems: [String] = []
        let list = ArxivOptions.categories(categories ?? Environment.value("DAILYPAPERS_INGEST_CATEGORIES") ?? "", &problems, flag: "--categories")
        if list.isEmpty && problems.isEmpty { problems.append("--categories names no category; e.g. --categories cs.LG,cs.CL") }
        var sinceDay: CalendarDay?
        if let since {
            sinceDay = CalendarDay(iso: since)
            if sinceDay == nil { problems.append("--since '\(since)' is not a date as YYYY-MM-DD") }
        }
        let method = ArxivOptions.via(via, &problems, flag: "--via")
        let rules = arxiv.rules(&problems)
        let (database, logger) = try await openDatabase(common, &problems)
        let http = PoliteHTTPClient(userAgent: arxiv.userAgent(), logger: logger)
        let report: ImportReport
        do {
            report = try await ArxivIngest(database: database, http: http, logger: logger)
                .run(.init(categories: list, since: sinceDay, via: method!, autoFeature: rules))
        } catch {
            await database.close()
            throw error
        }
        await database.close()
        try TerminalProgress(interactive: false).finish(report)
    }
}

/// Settings shared by `ingest arxiv` and the schedule inside `serve`.
struct ArxivOptions: ParsableArguments {
    @Option(help: "Contact address sent to arXiv in the User-Agent, as its terms ask (env DAILYPAPERS_CONTACT).")
    var contact: String?

    @Option(help: "Feature ingested papers in these categories automatically, comma separated (env DAILYPAPERS_AUTO_FEATURE_CATEGORIES).")
    var autoFeatureCategories: String?

    @Option(help: "Feature ingested papers whose title or abstract holds one of these words, comma separated (env DAILYPAPERS_AUTO_FEATURE_KEYWORDS).")
    var autoFeatureKeywords: String?

    @Option(help: "At most this many automatic features a day (env DAILYPAPERS_AUTO_FEATURE_MAX; default 10).")
    var autoFeatureMax: String?

    func userAgent() -> String {
        let contact = self.contact ?? Environment.value("DAILYPAPERS_CONTACT")
        return "DailyPapers/0.1 (self-hosted instance" + (contact.map { "; mailto:\($0)" } ?? "") + ")"
    }

    func rules(_ problems: inout [String]) -> AutoFeatureRules {
        let cats = Self.categories(autoFeatureCategories ?? Environment.value("DAILYPAPERS_AUTO_FEATURE_CATEGORIES") ?? "",
                                   &problems, flag: "--auto-feature-categories")
        let words = (autoFeatureKeywords ?? Environment.value("DAILYPAPERS_AUTO_FEATURE_KEYWORDS") ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let maxText = autoFeatureMax ?? Environment.value("DAILYPAPERS_AUTO_FEATURE_MAX") ?? "10"
        guard let max = Int(maxText), (0...1000).contains(max) else {
            problems.append("--auto-feature-max '\(maxText)' is not a whole number from 0 to 1000")
            return AutoFeatureRules(dailyMaximum: 0)
        }
        return AutoFeatureRules(categories: cats, keywords: words, dailyMaximum: max)
    }

    static func via(_ text: String, _ problems: inout [String], flag: String) -> ArxivIngest.Via? {
        let via = ArxivIngest.Via(rawValue: text)
        if via == nil { problems.append("\(flag) '\(text)' is not one of api, oai, listing") }
        return via
    }

    /// "cs.LG, cs.CL" -> ["cs.LG", "cs.CL"], refusing what cannot be an arXiv category or set.
    static func categories(_ text: String, _ problems: inout [String], flag: String) -> [String] {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for item in items where item.count > 40 || !item.allSatisfy({ $0.isLetter || $0.isNumber || "-.:".contains($0) }) {
            problems.append("\(flag) '\(item)' is not an arXiv category such as cs.LG")
        }
        return items
    }
}
