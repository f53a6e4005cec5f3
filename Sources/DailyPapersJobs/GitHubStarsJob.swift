import DailyPapersCore
import DailyPapersIngest
import DailyPapersStore
import Logging

/// One round of asking GitHub for the stars of feed papers' repositories (`GitHubStarsStore.due`): as many as the
/// round allows, one at a time, stopping at the first sign of a spent rate limit or a failing API, so that an
/// instance never hammers GitHub and a GitHub outage changes nothing but the stars' age.
public struct GitHubStarsJob: Sendable {
    public struct Settings: Sendable, Equatable {
        /// GitHub's REST API, or a mirror or recording proxy.
        public var base: String
        /// Optional: 5,000 requests an hour instead of 60 (and 304s free).
        public var token: String?
        /// Repositories asked about per round (one round an hour).
        public var perRound: Int
        /// A repository's stars are asked again after this many seconds.
        public var maxAge: Double = 86_400
        /// From the end of one request to the start of the next.
        public var interval: Duration = .seconds(1)

        public init(base: String = "https://api.github.com", token: String? = nil, perRound: Int? = nil) {
            self.base = base
            self.token = token
            // Unauthenticated GitHub allows 60 requests an hour per address: leave room for retries.
            self.perRound = perRound ?? (token == nil ? 50 : 1_000)
        }
    }

    public struct Report: Sendable, Equatable, CustomStringConvertible {
        public var asked = 0
        public var changed = 0
        public var unchanged = 0
        public var gone = 0
        public var stoppedBy: String?
        public var description: String {
            "asked about \(asked) repositories: \(changed) answered, \(unchanged) unchanged, \(gone) gone"
                + (stoppedBy.map { "; stopped: \($0)" } ?? "")
        }
    }

    let stars: GitHubStarsStore
    let client: GitHubStarsClient
    let settings: Settings
    let logger: Logger

    public init(database: Database, settings: Settings, userAgent: String, logger: Logger) {
        self.stars = GitHubStarsStore(database: database)
        self.client = GitHubStarsClient(base: settings.base, token: settings.token, interval: settings.interval, userAgent: userAgent, logger: logger)
        self.settings = settings
        self.logger = logger
    }

    public func run(now: Timestamp = .now) async throws -> Report {
        var report = Report()
        for repository in try await stars.due(limit: settings.perRound, maxAge: settings.maxAge, now: now) {
            try Task.checkCancellation()
            report.asked += 1
            do {
                switch try await client.stars(of: repository.name, etag: repository.etag) {
                case .stars(let count, let etag):
                    try await stars.record(repository, stars: count, etag: etag)
                    report.changed += 1
                case .unchanged:
                    try await stars.record(repository, stars: nil, etag: nil, unchanged: true)
                    report.unchanged += 1
                case .gone:
                    try await stars.record(repository, stars: nil, etag: nil)
                    report.gone += 1
                case .rateLimited(let until):
                    report.stoppedBy = "GitHub's rate limit, until \(until.iso8601)"
                    return report
                }
            } catch let error as FetchError {
                report.stoppedBy = "\(error)"
                return report
            }
        }
        return report
    }
}
