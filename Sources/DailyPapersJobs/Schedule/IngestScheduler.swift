import DailyPapersIngest
import DailyPapersStore
import Foundation
import Logging
import ServiceLifecycle

/// What `serve` fetches on its schedule, when categories are configured.
public struct ScheduledIngest: Sendable {
    public var options: ArxivIngest.Options
    public var schedule: IngestSchedule
    public var userAgent: String
    /// Where arXiv is reached (arXiv itself, a mirror, a recording proxy).
    public var endpoints: ArxivEndpoints
    public init(options: ArxivIngest.Options, schedule: IngestSchedule = .arxivAnnouncements, userAgent: String,
                endpoints: ArxivEndpoints = ArxivEndpoints()) {
        self.options = options
        self.schedule = schedule
        self.userAgent = userAgent
        self.endpoints = endpoints
    }
}

/// Runs the ingest at each scheduled time until the server shuts down. A failed run is logged and
/// the next one happens as planned; OAI-PMH harvests resume where the failed one stopped.
public struct IngestScheduler: Service {
    let plan: ScheduledIngest
    let database: Database
    let logger: Logger

    public init(plan: ScheduledIngest, database: Database, logger: Logger) {
        self.plan = plan
        self.database = database
        self.logger = logger
    }

    public func run() async throws {
        let http = PoliteHTTPClient(userAgent: plan.userAgent, logger: logger)
        let job = ArxivIngest(database: database, http: http, endpoints: plan.endpoints, logger: logger)
        while true {
            let next = plan.schedule.nextRun(after: Date())
            logger.info("next arXiv ingest at \(next)", metadata: ["categories": "\(plan.options.categories)"])
            // Only the wait is cut short by a shutdown; a run in progress is allowed to finish.
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(max(0, next.timeIntervalSinceNow))) }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            do {
                let options = plan.options
                let exclusive = ExclusiveJob(database: database, logger: logger)
                if let report = try await exclusive.run("arxiv-ingest", { try await job.run(options) }) {
                    logger.info("arXiv ingest: \(report.papers) papers, \(report.problems.count) refused")
                }
            } catch {
                logger.error("arXiv ingest failed: \(error)")
            }
        }
    }
}
