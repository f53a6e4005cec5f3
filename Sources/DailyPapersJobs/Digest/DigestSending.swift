import DailyPapersStore
import NIOCore
import Synchronization

// The machinery a digest run shares between its planner and its senders.

/// A value behind a lock that escaping closures can share.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

/// `sending` -> `sent`, many rows per statement: one write per message less on the hot path. Rows left
/// `sending` by a crash before a flush are never sent again either, so batching loses nothing.
final class SentMarks: Sendable {
    let deliveries: DeliveryStore
    let period: String
    let batchSize: Int
    private let pending = Mutex<[Int]>([])

    init(deliveries: DeliveryStore, period: String, batchSize: Int = 200) {
        self.deliveries = deliveries
        self.period = period
        self.batchSize = batchSize
    }

    func add(_ subscriptionID: Int) async throws {
        let full = pending.withLock { ids -> [Int]? in
            ids.append(subscriptionID)
            guard ids.count >= batchSize else { return nil }
            defer { ids = [] }
            return ids
        }
        if let full { try await deliveries.markSent(full, period: period) }
    }

    func flush() async throws {
        try await deliveries.markSent(pending.withLock { ids in defer { ids = [] }; return ids }, period: period)
    }
}

/// Group commit of `sending` marks. Every message waits at its final step until its row is durably
/// `sending`; the messages that reach that point while a commit is running share the next one, so the
/// single writer does one statement per group rather than one per message (at 8 or more connections
/// the writer, not the network, was what limited a run). A kill between a commit and its final dots
/// loses that group's digests (they stay `sending`, never sent twice), as it lost one before.
final class SendingCommits: Sendable {
    struct Waiter {
        var request: DeliveryStore.SendingRequest
        var continuation: CheckedContinuation<DeliveryStore.SendingStart, any Error>
    }

    let deliveries: DeliveryStore
    let period: String
    private let state = Mutex<(pending: [Waiter], running: Bool)>(([], false))

    init(deliveries: DeliveryStore, period: String) {
        self.deliveries = deliveries
        self.period = period
    }

    func mark(_ subscriptionID: Int, then finalStep: @escaping @Sendable () -> EventLoopFuture<Void>) async throws -> DeliveryStore.SendingStart {
        try await withCheckedThrowingContinuation { continuation in
            let waiter = Waiter(request: .init(subscriptionID: subscriptionID, finalStep: finalStep), continuation: continuation)
            let start = state.withLock { s -> Bool in
                s.pending.append(waiter)
                guard !s.running else { return false }
                s.running = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let group = state.withLock { s -> [Waiter] in
                guard !s.pending.isEmpty else { s.running = false; return [] }
                defer { s.pending.removeAll() }
                return s.pending
            }
            guard !group.isEmpty else { return }
            do {
                let results = try await deliveries.markSending(group.map(\.request), period: period)
                for w in group { w.continuation.resume(returning: results[w.request.subscriptionID] ?? .notPlanned) }
            } catch {
                for w in group { w.continuation.resume(throwing: error) }
            }
        }
    }
}


/// Work handed from the planner to the senders: `next()` waits while the queue is empty and returns nil
/// once it is finished (all planned, or a task failed) and drained.
final class WorkQueue<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var head = 0
        var finished = false
        var waiters: [CheckedContinuation<Item?, Never>] = []
    }
    private let state = Mutex(State())

    func push(_ new: [Item]) {
        let handed = state.withLock { s -> [(CheckedContinuation<Item?, Never>, Item)] in
            let n = min(s.waiters.count, new.count)
            let pairs = Array(zip(s.waiters.prefix(n), new.prefix(n)))
            s.waiters.removeFirst(n)
            s.items.append(contentsOf: new.dropFirst(n))
            return pairs
        }
        for (waiter, item) in handed { waiter.resume(returning: item) }
    }

    /// No more work will come: `next()` returns nil once the rest is taken.
    func finish() { end(dropping: false) }

    /// A task failed: `next()` returns nil from now on.
    func abort() { end(dropping: true) }

    private func end(dropping: Bool) {
        let waiting = state.withLock { s -> [CheckedContinuation<Item?, Never>] in
            s.finished = true
            if dropping { s.head = s.items.count }
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiting { w.resume(returning: nil) }
    }

    func next() async -> Item? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { s -> Item?? in
                if s.head < s.items.count {
                    defer { s.head += 1 }
                    return .some(s.items[s.head])
                }
                if s.finished { return .some(nil) }
                s.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
