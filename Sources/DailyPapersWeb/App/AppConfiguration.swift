import DailyPapersJobs
import DailyPapersStore

/// The settings `serve` runs with, read once at start-up by the executable.
public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseLocation
    /// Absolute base URL of the site as users reach it (for canonical links and the API).
    public var publicURL: String
    public var siteName: String
    /// The line under the name on the feed page.
    public var siteTagline = "by the research community"
    /// Load the bundled sample of real papers (also done automatically on an empty database).
    public var demo: Bool
    /// Seconds between checks for writes made by other processes (page cache freshness).
    public var cacheCheckInterval: Double
    /// Seconds a cached anonymous page may show vote and comment counts that are behind.
    public var countsGrace: Double
    /// Fetch papers from arXiv on a schedule (nil: no scheduled ingest).
    public var ingest: ScheduledIngest?
    /// Accounts, submissions, votes, comments, moderation.
    public var community: CommunitySettings
    /// Where mail goes (a folder of .eml files by default, or SMTP) and its DKIM key.
    public var mail: MailSettings
    /// When `serve` sends digests (nil: only `dailypapers digest send`).
    public var digestSchedule: IngestSchedule?
    /// Seconds a connection may go without completing a request part before it is closed.
    public var connectionIdleSeconds = 30
    /// Memory the cache of rendered pages and API answers may hold.
    public var responseCacheBytes = 64 << 20
    /// Connections served at once; more wait in the listen backlog.
    public var maximumConnections = 4096
    /// A search index file to rank from (`SearchSegment`), or nil: each process holds the whole index in memory.
    public var searchIndexFile: String?
    /// How much of the index file each mapping of it reads into the OS page cache (`SearchSegment.preload`).
    public var searchIndexPreloadBytes = 256 << 20
    /// The hourly GitHub stars job (nil: off, as in tests).
    public var githubStars: GitHubStarsJob.Settings?
    /// Generated summaries for featured papers without one (nil: off, the default).
    public var summaries: SummariesJob.Settings?
    /// How often followers are sent new papers, and whether peers may be private addresses.
    public var fediverse = FediverseSettings()

    public init(host: String = "127.0.0.1", port: Int = 8080, database: DatabaseLocation = .sqliteFile(path: DatabaseLocation.defaultPath),
                publicURL: String? = nil, siteName: String = "Daily Papers", demo: Bool = false, cacheCheckInterval: Double = 1,
                ingest: ScheduledIngest? = nil, community: CommunitySettings = CommunitySettings(), mail: MailSettings = MailSettings(),
                countsGrace: Double = 1, digestSchedule: IngestSchedule? = nil) {
        self.mail = mail
        self.digestSchedule = digestSchedule
        self.countsGrace = countsGrace
        self.ingest = ingest
        self.community = community
        self.host = host
        self.port = port
        self.database = database
        self.publicURL = publicURL ?? "http://\(host):\(port)"
        self.siteName = siteName
        self.demo = demo
        self.cacheCheckInterval = cacheCheckInterval
    }

    /// Validates a public URL: absolute http(s), no query, no trailing slash kept.
    public static func parsePublicURL(_ text: String) throws(ConfigurationError) -> String {
        var s = text.trimmingCharacters(in: .whitespaces)
        guard s.hasPrefix("http://") || s.hasPrefix("https://"), s.count > "https://".count,
              !s.contains("?"), !s.contains("#"), !s.contains(" ") else {
            throw ConfigurationError(setting: "public-url", problem: "'\(text)' is not an absolute http:// or https:// URL")
        }
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }
}

import Foundation

/// The fediverse's settings (`--fediverse-every`, `--fediverse-private-peers`).
public struct FediverseSettings: Sendable, Equatable {
    public var every: Duration
    public var allowPrivatePeers: Bool
    public init(every: Duration = .seconds(30), allowPrivatePeers: Bool = false) {
        self.every = every
        self.allowPrivatePeers = allowPrivatePeers
    }
}
