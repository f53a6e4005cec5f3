import Logging
import ServiceLifecycle

/// A job `serve` runs every `interval`, from `firstAfter` its start, by one process of several (the lease named
/// `name`): the GitHub stars and the summaries. A round that fails is logged and tried at the next interval.
public struct RecurringJob: Service {
    /// What a round did, for the log: nil when it did nothing; `problem` logs it as a warning.
    public struct Outcome: Sendable {
        public var summary: String
        public var problem: Bool
        public init(_ summary: String, problem: Bool = false) {
            self.summary = summary
            self.problem = problem
        }
    }

    let name: String
    let interval: Duration
    let firstAfter: Duration
    let exclusive: ExclusiveJob
    let logger: Logger
    let round: @Sendable () async throws -> Outcome?

    public init(name: String, every interval: Duration, firstAfter: Duration = .seconds(60), exclusive: ExclusiveJob, logger: Logger,
                round: @escaping @Sendable () async throws -> Outcome?) {
        self.name = name
        self.interval = interval
        self.firstAfter = firstAfter
        self.exclusive = exclusive
        self.logger = logger
        self.round = round
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // The wait first: a process that starts and stops at once (a test, a failed start) asks nobody anything.
            var wait = firstAfter
            while !Task.isCancelled {
                try? await Task.sleep(for: wait)
                wait = interval
                if Task.isCancelled { break }
                do {
                    if let outcome = try await exclusive.run(name, round) ?? nil {
                        if outcome.problem { logger.warning("\(name): \(outcome.summary)") } else { logger.info("\(name): \(outcome.summary)") }
                    }
                } catch is CancellationError {
                    break
                } catch {
                    logger.warning("\(name): the round failed: \(error); tried again in \(interval)")
                }
            }
        }
        try? await gracefulShutdown()
    }
}

extension GitHubStarsJob {
    /// Once an hour: GitHub's limits are hourly.
    public func recurring(exclusive: ExclusiveJob, logger: Logger) -> RecurringJob {
        RecurringJob(name: "github-stars", every: .seconds(3600), exclusive: exclusive, logger: logger) {
            let report = try await run()
            return report.asked == 0 ? nil : .init(report.description, problem: report.stoppedBy != nil)
        }
    }
}

extension SummariesJob {
    /// Every five minutes, within the hourly budget the database keeps for all processes.
    public func recurring(exclusive: ExclusiveJob, logger: Logger) -> RecurringJob {
        RecurringJob(name: "summaries", every: .seconds(300), exclusive: exclusive, logger: logger) {
            let report = try await run()
            return report.asked == 0 ? nil : .init(report.description, problem: report.failure != nil)
        }
    }
}
