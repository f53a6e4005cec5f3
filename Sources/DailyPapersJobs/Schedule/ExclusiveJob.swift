import DailyPapersStore
import Foundation
import Logging

/// Runs a scheduled job in only one of the processes sharing a database (several `serve` behind a load
/// balancer all wake at the same time). The winner holds a lease and renews it while the job runs; if it
/// dies, the lease expires and a later run elsewhere takes over. The jobs are idempotent anyway (digests
/// are keyed by subscriber and period, ingests are upserts), so the lease saves duplicated work and
/// mail-server connections rather than guarding correctness alone.
public struct ExclusiveJob: Sendable {
    public let leases: JobLeaseStore
    public let holder: String
    public let leaseDuration: Duration
    let logger: Logger

    public init(database: Database, holder: String = ExclusiveJob.processIdentity(), leaseDuration: Duration = .seconds(60), logger: Logger) {
        self.leases = JobLeaseStore(database: database)
        self.holder = holder
        self.leaseDuration = leaseDuration
        self.logger = logger
    }

    /// host:pid:random, unique per process start.
    public static func processIdentity() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UInt32.random(in: 0...UInt32.max))"
    }

    /// `body`'s result, or nil without running it when another process holds the lease `name`.
    public func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        guard try await leases.acquire(name, holder: holder, for: leaseDuration) else {
            let other = try? await leases.holder(of: name)
            logger.info("\(name): another process runs it (\(other ?? "lease just expired")); skipped here")
            return nil
        }
        // Renewal runs beside the job; when the job ends it is cancelled and awaited before the lease is
        // given up, so a renewal still in flight cannot take the lease back after the release.
        let renewal = Task { [leases, holder, leaseDuration, logger] in
            // At a third of the lease, so one slow database round trip does not lose it.
            while !Task.isCancelled {
                try await Task.sleep(for: leaseDuration / 3)
                if try await !leases.acquire(name, holder: holder, for: leaseDuration) {
                    logger.warning("\(name): lease taken over by another process while running")
                }
            }
        }
        let result: T
        do { result = try await body() } catch {
            renewal.cancel()
            _ = await renewal.result
            throw error
        }
        renewal.cancel()
        _ = await renewal.result
        try? await leases.release(name, holder: holder)
        return result
    }
}
