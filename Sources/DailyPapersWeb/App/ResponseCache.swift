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
/// vote (signed-in readers, who see their own votes, get pages rendered per request anyway).
final class ResponseCache: Sendable {
    struct Entry: Sendable {
        let body: ByteBuffer
        let contentType: String
        let etag: String
        /// For feeds: the newest item's time, sent as Last-Modified.
        let lastModified: Timestamp?
        /// The body gzip-compressed, for clients that accept it (nil for small bodies).
        let gzipped: ByteBuffer?
        var countsVersion: Int64 = 0
        var renderedAt: Double = 0
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var version: Int64 = -1
        var countsVersion: Int64 = -1
        var localWrites = -1
        var checkedAt: Double = 0
    }

    private let state = Mutex(State())
    private let database: Database
    private let store: PaperStore
    private let checkInterval: Double
    private let countsGrace: Double
    /// Bounded so that unusual URLs cannot grow memory without limit; a full cache starts over.
    private let maxEntries = 4096

    init(database: Database, store: PaperStore, checkInterval: Double, countsGrace: Double) {
        self.database = database
        self.store = store
        self.checkInterval = checkInterval
        self.countsGrace = countsGrace
    }

    /// The cached entry for `key`, or renders one with `make` and keeps it.
    func entry(_ key: String, contentType: String, make: () async throws -> String) async throws -> Entry {
        try await entry(key, contentType: contentType) { (try await make(), nil) }
    }

    func entry(_ key: String, contentType: String, make: () async throws -> (String, Timestamp?)) async throws -> Entry {
        let (version, counts) = try await currentVersions()
        let now = Date().timeIntervalSince1970
        let hit = state.withLock { s -> Entry? in
            guard s.version == version, let e = s.entries[key] else { return nil }
            return e.countsVersion == counts || now - e.renderedAt < countsGrace ? e : nil
        }
        if let hit { return hit }
        let (text, lastModified) = try await make()
        // The ETag hashes the bytes, so it is the same in every process serving the same content.
        let body = ByteBuffer(string: text)
        let entry = Entry(body: body, contentType: contentType, etag: "\"\(StableHash.hex(text))\"",
                          lastModified: lastModified?.truncatedToSeconds,
                          gzipped: body.readableBytes >= 1024 ? Gzip.compress(body) : nil,
                          countsVersion: counts, renderedAt: now)
        state.withLock { s in
            guard s.version == version else { return }
            if s.entries.count >= maxEntries { s.entries.removeAll(keepingCapacity: true) }
            s.entries[key] = entry
        }
        return entry
    }

    private func currentVersions() async throws -> (Int64, Int64) {
        let now = Date().timeIntervalSince1970
        let local = database.writesThroughThisHandle
        let cached = state.withLock { s -> (Int64, Int64)? in
            (s.localWrites == local && now - s.checkedAt < checkInterval) ? (s.version, s.countsVersion) : nil
        }
        if let cached { return cached }
        let (version, counts) = try await store.siteVersions()
        state.withLock { s in
            if s.version != version { s.entries.removeAll(keepingCapacity: true) }
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
