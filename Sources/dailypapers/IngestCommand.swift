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
    @OptionGroup var trending: TrendingOptions

    @Option(help: "Categories, comma separated, e.g. cs.LG,cs.CL (env DAILYPAPERS_INGEST_CATEGORIES; ingest-categories in the config file).")
    var categories: String?

    @Option(help: "Fetch from this day (YYYY-MM-DD); default: where the last harvest stopped, or two days ago.")
    var since: String?

    @Option(help: "api, oai or listing (env DAILYPAPERS_INGEST_VIA; ingest-via in the config file; default oai).")
    var via: String?

    func run() async throws {
        var problems: [String] = []
        let settings = try await common.settings(arxiv.flags.merging([.ingestCategories: categories, .ingestVia: via]) { $1 }
                                                    .merging(trending.flags) { $1 })
        let list = ArxivOptions.categories(settings.text(.ingestCategories, default: "", &problems), &problems, flag: "--categories")
        if list.isEmpty && problems.isEmpty { problems.append("--categories names no category; e.g. --categories cs.LG,cs.CL") }
        var sinceDay: CalendarDay?
        if let since {
            sinceDay = CalendarDay(iso: since)
            if sinceDay == nil { problems.append("--since '\(since)' is not a date as YYYY-MM-DD") }
        }
        let method = ArxivOptions.via(settings.text(.ingestVia, default: "oai", &problems), &problems, flag: "--via")
        let rules = ArxivOptions.rules(settings, &problems)
        let userAgent = ArxivOptions.userAgent(settings, &problems)
        let scoring = TrendingOptions.trending(settings, &problems)
        let endpoints = ArxivOptions.endpoints(settings, &problems)
        let (database, logger) = try await openDatabase(common, settings, &problems)
        let http = PoliteHTTPClient(userAgent: userAgent, logger: logger)
        let report: ImportReport
        do {
            report = try await ArxivIngest(database: database, http: http, endpoints: endpoints, logger: logger)
                .run(.init(categories: list, since: sinceDay, via: method!, autoFeature: rules,
                           trending: scoring))
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
    @Option(help: Setting.contact.help)
    var contact: String?

    @Option(help: Setting.autoFeatureCategories.help)
    var autoFeatureCategories: String?

    @Option(help: Setting.autoFeatureKeywords.help)
    var autoFeatureKeywords: String?

    @Option(help: Setting.autoFeatureMax.help)
    var autoFeatureMax: String?

    @Option(help: Setting.arxivAPI.help) var arxivAPI: String?
    @Option(help: Setting.arxivOAI.help) var arxivOai: String?
    @Option(help: Setting.arxivListing.help) var arxivListing: String?

    var flags: [Setting: String?] {
        [.contact: contact, .autoFeatureCategories: autoFeatureCategories, .autoFeatureKeywords: autoFeatureKeywords,
         .autoFeatureMax: autoFeatureMax, .arxivAPI: arxivAPI, .arxivOAI: arxivOai, .arxivListing: arxivListing]
    }

    /// Where the ingest reaches arXiv's API, OAI-PMH and listings: arXiv itself, or a mirror or recording proxy.
    /// `--arxiv-api off` (which stops `serve`'s lookups) leaves the ingest on arXiv's own API.
    static func endpoints(_ settings: SettingsReader, _ problems: inout [String]) -> ArxivEndpoints {
        var endpoints = ArxivEndpoints()
        func url(_ setting: Setting) -> String? {
            guard let text = settings.text(setting, &problems), text != "off" else { return nil }
            guard let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                problems.append("\(setting.flag) '\(text)' is not an http(s) URL")
                return nil
            }
            return text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        if let api = url(.arxivAPI) { endpoints.api = api }
        if let oai = url(.arxivOAI) { endpoints.oai = oai }
        if let listing = url(.arxivListing) { endpoints.listing = listing }
        return endpoints
    }

    static func userAgent(_ settings: SettingsReader, _ problems: inout [String]) -> String {
        let contact = settings.text(.contact, &problems)
        return "DailyPapers/0.1 (self-hosted instance" + (contact.map { "; mailto:\($0)" } ?? "") + ")"
    }

    static func rules(_ settings: SettingsReader, _ problems: inout [String]) -> AutoFeatureRules {
        let cats = categories(settings.text(.autoFeatureCategories, default: "", &problems), &problems, flag: "--auto-feature-categories")
        let words = settings.text(.autoFeatureKeywords, default: "", &problems)
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let max = settings.whole(.autoFeatureMax, default: 10, range: 0...1000, &problems)
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
