import DailyPapersCore
import Foundation
import Logging
import ServiceLifecycle

/// Sends the digests from inside `serve`: on weekdays at the configured time, that day's daily digest;
/// on Mondays also the weekly digest of the week before. A run is the same idempotent job as
/// `dailypapers digest send`, so a restart mid-run, or a manual run, never sends anything twice.
public struct DigestScheduler: Service {
    let schedule: IngestSchedule
    let job: DigestJob
    /// With several `serve` processes on one database, the one holding the lease sends.
    let exclusive: ExclusiveJob
    let logger: Logger

    public init(schedule: IngestSchedule, job: DigestJob, exclusive: ExclusiveJob, logger: Logger) {
        self.schedule = schedule
        self.job = job
        self.exclusive = exclusive
        self.logger = logger
    }

    public func run() async throws {
        while true {
            let next = schedule.nextRun(after: Date())
            logger.info("next digest run at \(next)")
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(max(0, next.timeIntervalSinceNow))) }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = schedule.timeZone
            let c = calendar.dateComponents([.year, .month, .day], from: next)
            guard let day = CalendarDay(year: c.year!, month: c.month!, day: c.day!) else { continue }
            var periods: [DigestPeriod] = []
            if let daily = DigestPeriod.daily(day) { periods.append(daily) }
            if day.isoWeekday == 1 { periods.append(.weekly(containing: day.advanced(by: -7))) }
            for period in periods {
                do {
                    if let report = try await exclusive.run("digest", { [job] in try await job.run(.init(period: period)) }) {
                        logger.info("digest \(period.key): \(report)")
                    }
                } catch {
                    logger.error("digest \(period.key) failed: \(error); the next run (or `dailypapers digest send`) picks up what is left")
                }
            }
        }
    }
}
