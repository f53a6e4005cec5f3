import DailyPapersCore
import DailyPapersStore
import Foundation
import NIOCore
import Synchronization

/// Rendered responses kept in memory until the data they show changes. The feed page is read far
/// more often than papers change, and serving stored bytes is what brings it near a static server.
/// Freshness: writes through this process are seen at once; writes by other processes (an import
/// running beside `serve`) within `checkInterval` seconds. Vote and comment counts are the exception:
/// an entry whose only staleness is in counts is served for up to `countsGrace` seconds after it was
/// rendered, so a burst of votes re-renders a page at most once per grace period instead of on every
/// vote; and past it only if one of the papers it shows changed (`CountsScope`, `CountsLedger`). Members
/// see their own votes at once through their own part of the page (`PageTemplate`).
final class ResponseCache: Sendable {
    struct Entry: Sendable {
        let body: ByteBuffer
        let contentType: String
        let etag: String
        /// For feeds: the newest item's time, sent as Last-Modified.
        let lastModified: Timestamp?
        /// The body gzip-compressed, for clients that accept it (nil for small bodies).
        let gzipped: ByteBuffer?
        /// For pages shared by members: the page with its members' slots (the body is then empty).
        var template: PageTemplate? = nil
        /// What the page showed of something a member must see at once when they change it (a paper's
        /// discussion version): an entry below the stamp a request asks for is rendered again.
        var stamp: Int64 = 0
        var countsVersion: Int64 = 0
        /// The counts the page shows: past the grace period it is still fresh if none of them changed.
        var counts = CountsScope.everything
        var renderedAt: Double = 0
        /// Bytes held for this entry (both bodies and the key), counted against the cache's budget.
        var size = 0
        /// When it was last served (a tick of the cache), for evicting the least recently used first.
        var lastUsed: UInt64 = 0
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Keys being rendered now, with the requests waiting for them.
        var rendering: [String: [CheckedContinuation<Entry?, Never>]] = [:]
        var bytes = 0
        var tick: UInt64 = 0
        var version: Int64 = -1
        var countsVersion: Int64 = -1
        var localWrites = -1
        var checkedAt: Double = 0
        /// Renders running in the background for pages served while behind in counts.
        var refreshing = 0
        /// Which papers' counts changed since this process started reading them.
        var ledger = CountsLedger()
    }

    /// A page behind only in counts is served at once, and rendered again in the background, until this many
    /// grace periods after its rendering; older, the request renders it. Counts shown are then at most this
    /// many grace periods old (20 s with the default 5 s lag).
    static let staleServingFactor = 4.0
    static let maximumRefreshes = 8

    private let state = Mutex(State())
    private let database: Database
    private let store: PaperStore
    private let checkInterval: Double
    private let countsGrace: Double
    /// Bounded by bytes, so that many distinct URLs (any visitor can make them up) cannot pin memory; and by
    /// count, so that many tiny entries cannot either. Past either bound the least recently used go first.
    let maximumBytes: Int
    let maximumEntries: Int

    init(database: Database, store: PaperStore, checkInterval: Double, countsGrace: Double,
         maximumBytes: Int = 64 << 20, maximumEntries: Int = 20_000) {
        self.database = database
        self.store = store
        self.checkInterval = checkInterval
        self.countsGrace = countsGrace
        self.maximumBytes = maximumBytes
        self.maximumEntries = maximumEntries
    }

    /// Bytes and entries held now (for tests and metrics).
    var usage: (bytes: Int, entries: Int) { state.withLock { ($0.bytes, $0.entries.count) } }

    /// What a render hands the cache: the text, for feeds the time of their newest item (sent as
    /// Last-Modified), and the counts the text shows.
    struct Rendering: Sendable {
        var text: String
        var lastModified: Timestamp? = nil
        var counts: CountsScope
    }

    /// The cached entry for `key`, or renders one with `make` and keeps it; `make` returns text showing counts
    /// from anywhere (use the other form to say which).
    func entry(_ key: String, contentType: String, make: @escaping @Sendable () async throws -> String) async throws -> Entry {
        try await entry(key, contentType: contentType) { Rendering(text: try await make(), counts: .everything) }
    }

    func entry(_ key: String, contentType: String, make: @escaping @Sendable () async throws -> Rendering) async throws -> Entry {
        try await lookup(key, minimumStamp: 0) {
            let rendering = try await make()
            // The ETag hashes the bytes, so it is the same in every process serving the same content.
            let body = ByteBuffer(string: rendering.text)
            var entry = Entry(body: body, contentType: contentType, etag: "\"\(StableHash.hex(rendering.text))\"",
                              lastModified: rendering.lastModified?.truncatedToSeconds,
                              gzipped: body.readableBytes >= 1024 ? Gzip.compress(body) : nil)
            entry.size = body.readableBytes + (entry.gzipped?.readableBytes ?? 0)
            entry.counts = rendering.counts
            return entry
        }
    }

    /// The page shared by members for `key`, rendered again if it shows less than `minimumStamp` (see
    /// `Entry.stamp`); `make` returns the page and the stamp it was rendered at (read before its content).
    func template(_ key: String, minimumStamp: Int64 = 0,
                  make: @escaping @Sendable () async throws -> (PageTemplate, stamp: Int64, counts: CountsScope)) async throws -> PageTemplate {
        let entry = try await lookup(key, minimumStamp: minimumStamp) {
            let (template, stamp, counts) = try await make()
            var entry = Entry(body: ByteBuffer(), contentType: "text/html; charset=utf-8", etag: "", lastModified: nil,
                              gzipped: nil, template: template, stamp: stamp)
            entry.size = template.byteCount
            entry.counts = counts
            return entry
        }
        return entry.template!
    }

    /// What a request does with a key: serve what is there, render it, wait for the request rendering it,
    /// or serve what is there while it is rendered again in the background.
    private enum Plan { case serve(Entry), render, wait, serveAndRefresh(Entry) }

    /// One render per key at a time. A miss while another request renders the same key waits for it, so an
    /// invalidation does not set every connection rendering the same page (a stampede that took a soak from
    /// 7,000 to 1,000 requests/s). An entry behind only in counts keeps being served while one request
    /// renders it again: counts may lag by that render's time beyond the grace period, never content.
    private func lookup(_ key: String, minimumStamp: Int64, make: @escaping @Sendable () async throws -> Entry) async throws -> Entry {
        let (version, counts) = try await currentVersions()
        while true {
            let now = Date().timeIntervalSince1970
            let plan = state.withLock { s -> Plan in
                if s.version == version, let e = s.entries[key], e.stamp >= minimumStamp {
                    let age = now - e.renderedAt
                    var fresh = e.countsVersion == counts || age < countsGrace
                    if !fresh, s.ledger.unchanged(e.counts, from: e.countsVersion, to: counts) {
                        // None of its counts changed: fresh until the next change, and checked once per change.
                        s.entries[key]?.countsVersion = counts
                        fresh = true
                    }
                    if fresh || s.rendering[key] != nil {
                        s.tick += 1
                        s.entries[key]?.lastUsed = s.tick
                        return .serve(e)
                    }
                    // Behind in counts only, and not by much: this request gets it at once and the page is
                    // rendered again off the request (a few at a time; past that, requests render as before).
                    if age < countsGrace * Self.staleServingFactor, s.refreshing < Self.maximumRefreshes {
                        s.refreshing += 1
                        s.rendering[key] = []
                        s.tick += 1
                        s.entries[key]?.lastUsed = s.tick
                        return .serveAndRefresh(e)
                    }
                } else if s.rendering[key] != nil {
                    return .wait
                }
                s.rendering[key] = []
                return .render
            }
            switch plan {
            case .serve(let e): return e
            case .serveAndRefresh(let e):
                Task { [self] in
                    let fresh = try? await render(key, version: version, counts: counts, make: make)
                    finishRendering(key, fresh)
                    state.withLock { $0.refreshing -= 1 }
                }
                return e
            case .wait:
                if let e = await rendered(key), e.stamp >= minimumStamp { return e }
                continue  // failed, not kept, or begun before the change this request must see: try again
            case .render:
                do {
                    let e = try await render(key, version: version, counts: counts, make: make)
                    finishRendering(key, e)
                    return e
                } catch {
                    finishRendering(key, nil)
                    throw error
                }
            }
        }
    }

    /// Waits for the request rendering `key`; nil if it failed (or finished before this request could wait).
    private func rendered(_ key: String) async -> Entry? {
        await withCheckedContinuation { (c: CheckedContinuation<Entry?, Never>) in
            let waiting = state.withLock { s -> Bool in
                guard s.rendering[key] != nil else { return false }
                s.rendering[key]!.append(c)
                return true
            }
            if !waiting { c.resume(returning: nil) }
        }
    }

    private func finishRendering(_ key: String, _ entry: Entry?) {
        let waiters = state.withLock { s in s.rendering.removeValue(forKey: key) ?? [] }
        for w in waiters { w.resume(returning: entry) }
    }

    private func render(_ key: String, version: Int64, counts: Int64, make: @Sendable () async throws -> Entry) async throws -> Entry {
        let now = Date().timeIntervalSince1970
        var entry = try await make()
        entry.countsVersion = counts
        entry.renderedAt = now
        entry.size += key.utf8.count + 256
        // An answer larger than a tenth of the cache is served but not kept.
        guard entry.size <= maximumBytes / 10 else { return entry }
        state.withLock { s in
            guard s.version == version else { return }
            s.tick += 1
            entry.lastUsed = s.tick
            if let old = s.entries.updateValue(entry, forKey: key) { s.bytes -= old.size }
            s.bytes += entry.size
            if s.bytes > maximumBytes || s.entries.count > maximumEntries { evict(&s) }
        }
        return entry
    }

    /// Drops the least recently used entries until the cache is at 90% of both bounds, so that the
    /// sort is paid once per tenth of the cache, not once per new entry.
    private func evict(_ s: inout State) {
        let targetBytes = maximumBytes / 10 * 9, targetEntries = maximumEntries / 10 * 9
        for (key, e) in s.entries.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            guard s.bytes > targetBytes || s.entries.count > targetEntries else { break }
            s.entries[key] = nil
            s.bytes -= e.size
        }
    }

    /// The content and counts versions, read from the database at most every `checkInterval` seconds
    /// (at once after a write through this process).
    func currentVersions() async throws -> (Int64, Int64) {
        let now = Date().timeIntervalSince1970
        let local = database.writesThroughThisHandle
        let cached = state.withLock { s -> (Int64, Int64)? in
            (s.localWrites == local && now - s.checkedAt < checkInterval) ? (s.version, s.countsVersion) : nil
        }
        if let cached { return cached }
        var (version, counts) = try await store.siteVersions()
        // Counts moved: which papers they moved for, so that pages showing none of them stay.
        let known = state.withLock { s -> Int64 in
            if !s.ledger.isStarted { s.ledger.begin(at: counts) }
            return s.ledger.version
        }
        if counts > known {
            let read = try await store.countsChanges(since: known)
            state.withLock { $0.ledger.add(read.changes, upTo: read.counts) }
            counts = read.counts
        }
        state.withLock { s in
            if s.version != version { s.entries.removeAll(keepingCapacity: true); s.bytes = 0 }
            s.version = version
            s.countsVersion = counts
            s.localWrites = local
            s.checkedAt = now
        }
        return (version, counts)
    }
}

enum StableHash {
    static func hex(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return String(h, radix: 16)
    }
}
