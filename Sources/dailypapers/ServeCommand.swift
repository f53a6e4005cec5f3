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

    @Option(help: "Address to listen on (env DAILYPAPERS_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env DAILYPAPERS_PORT; default 8080).")
    var port: String?

    @Option(help: "The site's public base URL, for absolute links (env DAILYPAPERS_PUBLIC_URL; default http://HOST:PORT).")
    var publicURL: String?

    @Option(help: "The site's name, in page titles, the header, feeds and mail (env DAILYPAPERS_SITE_NAME; default Daily Papers).")
    var siteName: String?

    @Option(help: "The line under the name on the feed page (env DAILYPAPERS_SITE_TAGLINE; default 'by the research community').")
    var siteTagline: String?

    @OptionGroup var arxiv: ArxivOptions

    @OptionGroup var community: CommunityOptions

    @OptionGroup var mail: MailOptions

    @Option(help: "Fetch these arXiv categories every announcement evening (20:00 US Eastern, Sun-Thu), comma separated (env DAILYPAPERS_INGEST_CATEGORIES).")
    var ingestCategories: String?

    @Option(help: "How the schedule fetches: api, oai or listing (env DAILYPAPERS_INGEST_VIA; default oai).")
    var ingestVia: String?

    @Option(help: "When to send digests, HH:MM on weekdays (Mondays also the weekly one), or 'off' (env DAILYPAPERS_DIGEST_AT; default 13:00).")
    var digestAt: String?

    @Option(help: "Time zone of --digest-at, e.g. Europe/Paris (env DAILYPAPERS_DIGEST_TIMEZONE; default UTC).")
    var digestTimezone: String?

    @Flag(help: "Load the bundled sample of real papers (it is also loaded when the database is empty).")
    var demo = false

    @Option(help: "Seconds a connection may send no complete request part before it is closed, idle or sending slowly (env DAILYPAPERS_IDLE_TIMEOUT; default 30).")
    var idleTimeout: String?

    @Option(help: "Connections served at once; more wait in the listen backlog (env DAILYPAPERS_MAX_CONNECTIONS; default 4096).")
    var maxConnections: String?

    @Option(help: "MiB of memory for cached pages and API answers (env DAILYPAPERS_CACHE_MIB; default 64; 0 keeps none, every request renders).")
    var cacheMib: String?

    @Option(help: "Seconds cached pages may show vote and comment counts that are behind (env DAILYPAPERS_COUNTS_LAG; default 5; 0 re-renders on every change).")
    var countsLag: String?

    func run() async throws {
        var problems: [String] = []
        let logger = common.makeLogger("dailypapers", &problems)
        let database = common.resolveDatabase(&problems)
        let host = self.host ?? Environment.value("DAILYPAPERS_HOST") ?? "127.0.0.1"
        if host.isEmpty || host.contains(" ") { problems.append("--host '\(host)' is not a host name or address") }
        let portText = self.port ?? Environment.value("DAILYPAPERS_PORT") ?? "8080"
        let port = Int(portText)
        if port == nil || !(0...65535).contains(port!) {
            problems.append("--port '\(portText)' is not a port number from 0 to 65535" + (self.port == nil ? " (from DAILYPAPERS_PORT)" : ""))
        }
        var publicURL: String?
        if let text = self.publicURL ?? Environment.value("DAILYPAPERS_PUBLIC_URL") {
            do { publicURL = try AppConfiguration.parsePublicURL(text) } catch { problems.append(error.description) }
        }
        var ingest: ScheduledIngest?
        let categories = ArxivOptions.categories(ingestCategories ?? Environment.value("DAILYPAPERS_INGEST_CATEGORIES") ?? "", &problems, flag: "--ingest-categories")
        let viaText = ingestVia ?? Environment.value("DAILYPAPERS_INGEST_VIA") ?? "oai"
        let via = ArxivOptions.via(viaText, &problems, flag: "--ingest-via")
        let rules = arxiv.rules(&problems)
        if !categories.isEmpty, let via {
            ingest = ScheduledIngest(options: .init(categories: categories, via: via, autoFeature: rules), userAgent: arxiv.userAgent())
        }
        let resolvedURL = publicURL ?? "http://\(host):\(port ?? 8080)"
        let communitySettings = community.settings(publicURL: resolvedURL, contact: arxiv.contact ?? Environment.value("DAILYPAPERS_CONTACT"), &problems)
        let mailSettings = mail.settings(publicURL: resolvedURL, &problems)
        var digestSchedule: IngestSchedule?
        let at = digestAt ?? Environment.value("DAILYPAPERS_DIGEST_AT") ?? "13:00"
        let zoneName = digestTimezone ?? Environment.value("DAILYPAPERS_DIGEST_TIMEZONE") ?? "UTC"
        if at != "off" {
            let parts = at.split(separator: ":").compactMap { Int($0) }
            let zone = TimeZone(identifier: zoneName)
            if parts.count != 2 || !(0...23).contains(parts[0]) || !(0...59).contains(parts[1]) {
                problems.append("--digest-at '\(at)' is not HH:MM or 'off'")
            } else if zone == nil {
                problems.append("--digest-timezone '\(zoneName)' is not a time zone such as UTC or Europe/Paris")
            } else {
                digestSchedule = IngestSchedule(hour: parts[0], minute: parts[1], timeZone: zone!, weekdays: [2, 3, 4, 5, 6])
            }
        }
        func whole(_ flag: String, _ value: String?, _ variable: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
            let text = value ?? Environment.value(variable) ?? String(fallback)
            guard let n = Int(text), range.contains(n) else {
                problems.append("--\(flag) '\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
                return fallback
            }
            return n
        }
        let idle = whole("idle-timeout", idleTimeout, "DAILYPAPERS_IDLE_TIMEOUT", default: 30, range: 1...3600)
        let connections = whole("max-connections", maxConnections, "DAILYPAPERS_MAX_CONNECTIONS", default: 4096, range: 1...1_000_000)
        let cacheMiB = whole("cache-mib", cacheMib, "DAILYPAPERS_CACHE_MIB", default: 64, range: 0...65_536)
        let lag = whole("counts-lag", countsLag, "DAILYPAPERS_COUNTS_LAG", default: 5, range: 0...3600)
        func line(_ flag: String, _ value: String?, _ variable: String, default fallback: String) -> String {
            let text = (value ?? Environment.value(variable) ?? fallback).trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, text.count <= 100, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                problems.append("--\(flag) must be one line of 1 to 100 characters")
                return fallback
            }
            return text
        }
        let name = line("site-name", siteName, "DAILYPAPERS_SITE_NAME", default: "Daily Papers")
        let tagline = line("site-tagline", siteTagline, "DAILYPAPERS_SITE_TAGLINE", default: "by the research community")
        try problems.throwIfAny()
        var configuration = AppConfiguration(host: host, port: port!, database: database!, publicURL: publicURL, siteName: name, demo: demo, ingest: ingest,
                                             community: communitySettings, mail: mailSettings, digestSchedule: digestSchedule)
        configuration.connectionIdleSeconds = idle
        configuration.maximumConnections = connections
        configuration.responseCacheBytes = cacheMiB << 20
        configuration.countsGrace = Double(lag)
        configuration.siteTagline = tagline
        logger.info("starting", metadata: ["database": "\(configuration.database)", "url": "\(configuration.publicURL)"])
        let app = try await buildApplication(configuration: configuration, logger: logger)
        try await app.runService()
    }
}
