import DailyPapersCore
import DailyPapersIngest
import DailyPapersStore
import Logging

/// Off unless an operator configures an OpenAI-compatible endpoint and model: a round summarises featured papers
/// that have no summary, within the hourly budget all processes share, one request at a time, and ends at the
/// first failure (a failing or slow endpoint is left alone until the next round; its papers are tried again
/// later, at most three times). Pages never wait for it.
public struct SummariesJob: Sendable {
    public struct Settings: Sendable, Equatable {
        public var base: String
        public var model: String
        public var key: String?
        /// Requests an hour, across processes (the cost bound: each at most one abstract in, 200 tokens out).
        public var perHour: Int
        public var timeout: Duration = .seconds(60)

        public init(base: String, model: String, key: String? = nil, perHour: Int = 30) {
            self.base = base
            self.model = model
            self.key = key
            self.perHour = perHour
        }
    }

    public struct Report: Sendable, Equatable, CustomStringConvertible {
        public var asked = 0
        public var written = 0
        public var failure: String?
        public var description: String { "asked for \(asked) summaries, wrote \(written)" + (failure.map { "; stopped: \($0)" } ?? "") }
    }

    let summaries: SummaryStore
    let client: SummaryClient
    let settings: Settings
    let logger: Logger

    public init(database: Database, settings: Settings, logger: Logger) {
        self.summaries = SummaryStore(database: database)
        self.client = SummaryClient(base: settings.base, model: settings.model, key: settings.key, timeout: settings.timeout)
        self.settings = settings
        self.logger = logger
    }

    public func run(now: () -> Timestamp = { .now }) async throws -> Report {
        var report = Report()
        let budget = settings.perHour - (try await summaries.attempts(since: now().adding(seconds: -3600)))
        for paper in try await summaries.due(limit: budget, now: now()) {
            try Task.checkCancellation()
            report.asked += 1
            do {
                let summary = try await client.summarise(title: paper.title, abstract: paper.abstract)
                if try await summaries.write(summary, paper: paper.id, now: now()) { report.written += 1 }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                try await summaries.failed(paper.id, now: now())
                report.failure = "\(paper.id.base): \(error)"
                return report
            }
        }
        return report
    }
}
