import Synchronization

/// A FIFO lock for async code: SQLite has one writer at a time, and queuing writers here is cheaper
/// and fairer than letting them collide on SQLITE_BUSY.
public final class AsyncLock: Sendable {
    public init() {}
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    public func lock() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.locked { s.waiters.append(c); return false }
                s.locked = true
                return true
            }
            if resumeNow { c.resume() }
        }
    }

    public func unlock() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty { s.locked = false; return nil }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }

    public func withLock<T>(_ body: () async throws -> T) async rethrows -> T {
        await lock()
        defer { unlock() }
        return try await body()
    }
}
