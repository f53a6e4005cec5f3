import ArgumentParser
import DailyPapersJobs
import DailyPapersStore
import DailyPapersWeb
import Hummingbird
import Logging
import Foundation

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the web server (migrations are applied first).")

    @OptionGroup var common: DatabaseOptions

    @Option(help: Setting.host.help) var host: String?
    @Option(help: Setting.port.help) var port: String?
    @Option(help: Setting.publicURL.help) var publicURL: String?
    @Option(help: Setting.siteName.help) var siteName: String?
    @Option(help: Setting.siteTagline.help) var siteTagline: String?

    @OptionGroup var arxiv: ArxivOptions

    @OptionGroup var community: CommunityOptions

    @OptionGroup var mail: MailOptions

    @OptionGroup var outside: OutsideServicesOptions

    @Option(help: Setting.ingestCategories.help) var ingestCategories: String?
    @Option(help: Setting.ingestVia.help) var ingestVia: String?
    @Option(help: Setting.digestAt.help) var digestAt: String?
    @Option(help: Setting.digestTimezone.help) var digestTimezone: String?

    @Flag(help: "Load the bundled sample of real papers (it is also loaded when the database is empty).")
    var demo = false

    @Option(help: Setting.idleTimeout.help) var idleTimeout: String?
    @Option(help: Setting.maxConnections.help) var maxConnections: String?
    @Option(help: Setting.cacheMiB.help) var cacheMib: String?
    @Option(help: Setting.countsLag.help) var countsLag: String?
    @Option(help: Setting.searchIndexFile.help) var searchIndexFile: String?
    @Option(help: Setting.searchIndexPreloadMiB.help) var searchIndexPreloadMib: String?

    var flags: [Setting: String?] {
        var flags: [Setting: String?] = [
            .host: host, .port: port, .publicURL: publicURL, .siteName: siteName, .siteTagline: siteTagline,
            .ingestCategories: ingestCategories, .ingestVia: ingestVia, .digestAt: digestAt, .digestTimezone: digestTimezone,
            .idleTimeout: idleTimeout, .maxConnections: maxConnections, .cacheMiB: cacheMib, .countsLag: countsLag, .searchIndexFile: searchIndexFile, .searchIndexPreloadMiB: searchIndexPreloadMib,
        ]
        for group in [arxiv.flags, community.flags, mail.flags, outside.flags] { flags.merge(group) { $1 } }
        return flags
    }

    func run() async throws {
        var problems: [String] = []
        let settings = try await common.settings(flags)
        let logger = common.makeLogger("dailypapers", settings, &problems)
        let database = common.resolveDatabase(settings, &problems)
        let host = settings.text(.host, default: "127.0.0.1", &problems)
        if host.isEmpty || host.contains(" ") { problems.append("--host '\(host)' is not a host name or address") }
        let port = settings.whole(.port, default: 8080, range: 0...65535, &problems)
        var publicURL: String?
        if let text = settings.text(.publicURL, &problems) {
            do { publicURL = try AppConfiguration.parsePublicURL(text) } catch { problems.append(DatabaseOptions.flagged(error)) }
        }
        var ingest: ScheduledIngest?
        let categories = ArxivOptions.categories(settings.text(.ingestCategories, default: "", &problems), &problems, flag: "--ingest-categories")
        let via = ArxivOptions.via(settings.text(.ingestVia, default: "oai", &problems), &problems, flag: "--ingest-via")
        let rules = ArxivOptions.rules(settings, &problems)
        if !categories.isEmpty, let via {
            ingest = ScheduledIngest(options: .init(categories: categories, via: via, autoFeature: rules,
                                                    trending: TrendingOptions.trending(settings, &problems)),
                                     userAgent: ArxivOptions.userAgent(settings, &problems),
                                     endpoints: ArxivOptions.endpoints(settings, &problems))
        }
        let resolvedURL = publicURL ?? "http://\(host):\(port)"
        let communitySettings = CommunityOptions.settings(settings, &problems)
        let mailSettings = MailOptions.settings(settings, publicURL: resolvedURL, &problems)
        let digestSchedule = Self.digestSchedule(settings, &problems)
        let idle = settings.whole(.idleTimeout, default: 30, range: 1...3600, &problems)
        let connections = settings.whole(.maxConnections, default: 4096, range: 1...1_000_000, &problems)
        let cacheMiB = settings.whole(.cacheMiB, default: 64, range: 0...65_536, &problems)
        let preloadMiB = settings.whole(.searchIndexPreloadMiB, default: 256, range: 0...1_048_576, &problems)
        let lag = settings.whole(.countsLag, default: 5, range: 0...3600, &problems)
        func line(_ setting: Setting, default fallback: String) -> String {
            let text = settings.text(setting, default: fallback, &problems).trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, text.count <= 100, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                problems.append("\(setting.flag) must be one line of 1 to 100 characters")
                return fallback
            }
            return text
        }
        let name = line(.siteName, default: "Daily Papers")
        let tagline = line(.siteTagline, default: "by the research community")
        let stars = OutsideServicesOptions.githubStars(settings, &problems)
        let summaries = OutsideServicesOptions.summaries(settings, &problems)
        let fediverse = OutsideServicesOptions.fediverse(settings, &problems)
        try problems.throwIfAny()
        var configuration = AppConfiguration(host: host, port: port, database: database!, publicURL: publicURL, siteName: name, demo: demo, ingest: ingest,
                                             community: communitySettings, mail: mailSettings, digestSchedule: digestSchedule)
        configuration.connectionIdleSeconds = idle
        configuration.maximumConnections = connections
        configuration.responseCacheBytes = cacheMiB << 20
        configuration.countsGrace = Double(lag)
        configuration.siteTagline = tagline
        configuration.searchIndexFile = settings.text(.searchIndexFile, &problems)
        configuration.searchIndexPreloadBytes = preloadMiB << 20
        configuration.githubStars = stars
        configuration.summaries = summaries
        configuration.fediverse = fediverse
        logger.info("starting", metadata: ["database": "\(configuration.database)", "url": "\(configuration.publicURL)"])
        let app = try await buildApplication(configuration: configuration, logger: logger)
        try await app.runService()
    }
}

extension ServeCommand {
    /// When digests go out: `--digest-at` HH:MM on weekdays in `--digest-timezone`, or nil for 'off'.
    static func digestSchedule(_ settings: SettingsReader, _ problems: inout [String]) -> IngestSchedule? {
        let at = settings.text(.digestAt, default: "13:00", &problems)
        let zoneName = settings.text(.digestTimezone, default: "UTC", &problems)
        guard at != "off" else { return nil }
        let parts = at.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) else {
            problems.append("--digest-at '\(at)' is not HH:MM or 'off'")
            return nil
        }
        guard let zone = TimeZone(identifier: zoneName) else {
            problems.append("--digest-timezone '\(zoneName)' is not a time zone such as UTC or Europe/Paris")
            return nil
        }
        return IngestSchedule(hour: parts[0], minute: parts[1], timeZone: zone, weekdays: [2, 3, 4, 5, 6])
    }
}
