import Logging
import ServiceLifecycle
import Synchronization

/// Account and subscription mail leaves the request: a page answers at once, and in the same time
/// whether or not a mail goes out (a reset asked for an address without an account does all its work
/// here too, so the answer's latency tells a stranger nothing). Jobs run in order of arrival, a few at a
/// time (the SMTP transport's connections bound them further); a full queue drops new jobs with a log
/// line instead of holding memory for a flood. At shutdown the queue stops taking jobs and is drained.
public final class MailOutbox: Service, Sendable {
    struct Job: Sendable {
        let label: String
        let work: @Sendable () async throws -> Void
    }

    public static let defaultCapacity = 2_000
    let capacity: Int
    let concurrency: Int
    let logger: Logger
    private let stream: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation
    /// Jobs queued or running, and who waits for that to reach zero.
    private let pending = Mutex<(count: Int, idleWaiters: [CheckedContinuation<Void, Never>])>((0, []))

    public init(capacity: Int = MailOutbox.defaultCapacity, concurrency: Int = 4, logger: Logger) {
        (stream, continuation) = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .bufferingOldest(capacity))
        self.capacity = capacity
        self.concurrency = max(1, concurrency)
        self.logger = logger
    }

    /// Queues `work`; never waits and never throws into the request.
    func enqueue(_ label: String, _ work: @escaping @Sendable () async throws -> Void) {
        pending.withLock { $0.count += 1 }
        switch continuation.yield(Job(label: label, work: work)) {
        case .enqueued: break
        case .dropped:
            logger.error("mail queue full (\(capacity) waiting): \(label) not sent")
            finished()
        case .terminated:
            logger.error("mail queue closed (shutting down): \(label) not sent")
            finished()
        @unknown default: finished()
        }
    }

    /// Returns once every job queued so far has run (tests, and anything that must see the mail sent).
    public func waitUntilIdle() async {
        await withCheckedContinuation { c in
            let now = pending.withLock { s -> Bool in
                if s.count == 0 { return true }
                s.idleWaiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    private func finished() {
        let waiters = pending.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.count -= 1
            guard s.count == 0 else { return [] }
            defer { s.idleWaiters = [] }
            return s.idleWaiters
        }
        for w in waiters { w.resume() }
    }

    public func run() async throws {
        let continuation = self.continuation
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                for await job in stream {
                    if running >= concurrency { await group.next(); running -= 1 }
                    running += 1
                    group.addTask { [logger] in
                        do { try await job.work() } catch { logger.error("\(job.label) failed: \(error)") }
                        self.finished()
                    }
                }
            }
        } onGracefulShutdown: {
            // Jobs already queued still run; new ones are refused with a log line.
            continuation.finish()
        }
    }
}
