import Logging
import ServiceLifecycle

/// Runs `GitHubStarsJob` once an hour, by one process of several (the lease), from a minute after start.
public struct GitHubStarsScheduler: Service {
    let job: GitHubStarsJob
    let exclusive: ExclusiveJob
    let logger: Logger
    static let interval = Duration.seconds(3600)

    public init(job: GitHubStarsJob, exclusive: ExclusiveJob, logger: Logger) {
        self.job = job
        self.exclusive = exclusive
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // The wait first: a process that starts and stops at once asks GitHub nothing.
            var wait = Duration.seconds(60)
            while !Task.isCancelled {
                try? await Task.sleep(for: wait)
                wait = Self.interval
                if Task.isCancelled { break }
                do {
                    if let report = try await exclusive.run("github-stars", { [job] in try await job.run() }), report.asked > 0 {
                        logger.info("GitHub stars: \(report)")
                    }
                } catch is CancellationError {
                    break
                } catch {
                    logger.warning("GitHub stars: the round failed: \(error)")
                }
            }
        }
        try? await gracefulShutdown()
    }
}
