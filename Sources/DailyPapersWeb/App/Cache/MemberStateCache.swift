import DailyPapersStore
import Synchronization

/// A member's view of a page's papers (their votes, the counts, the discussion's version), kept per member
/// and page so that reading pages costs no query. Kept no longer than counts may lag on shared pages
/// (`countsGrace`) once counts have changed, and never across the member's own writes: a member who just
/// voted or commented carries the time in a cookie (`Cookies.wrote`), and what was read before it, or
/// within a second of it (clocks of different processes may differ that much), is read again.
final class MemberStateCache: Sendable {
    private struct Kept {
        var papers: [String: PaperViewerState]
        var readAt: Double
        var countsVersion: Int64
    }

    private struct Store {
        var entries: [String: Kept] = [:]
        /// Paper states held in all entries: what the memory bound counts.
        var papers = 0
        /// When entries that can no longer be served were last dropped.
        var sweptAt: Double = 0
    }

    private let kept = Mutex(Store())
    let countsGrace: Double
    /// Paper states held (about 100 bytes each); past it, everything is dropped (each member then pays one
    /// query again). Bounded by states rather than entries: one member walking many distinct searches or
    /// feed pages must not pin memory.
    let maximumPapers: Int
    static let clockMargin = 1.0

    init(countsGrace: Double, maximumPapers: Int = 200_000) {
        self.countsGrace = countsGrace
        self.maximumPapers = maximumPapers
    }

    /// Paper states held now (for tests and metrics).
    var heldPapers: Int { kept.withLock { $0.papers } }

    func papers(_ key: String, now: Double, countsVersion: Int64, wroteAt: Double?) -> [String: PaperViewerState]? {
        kept.withLock { store in
            guard let k = store.entries[key] else { return nil }
            if let wroteAt, k.readAt <= wroteAt + Self.clockMargin { return nil }
            guard k.countsVersion == countsVersion || now - k.readAt < countsGrace else { return nil }
            return k.papers
        }
    }

    func keep(_ key: String, _ papers: [String: PaperViewerState], readAt: Double, countsVersion: Int64) {
        kept.withLock { store in
            if let old = store.entries.updateValue(Kept(papers: papers, readAt: readAt, countsVersion: countsVersion), forKey: key) {
                store.papers -= max(old.papers.count, 1)
            }
            store.papers += max(papers.count, 1)
            // Once counts have moved, states older than the lag are never served again: dropped once per lag,
            // so that under steady voting the kept states are those of the last few seconds, not all there were.
            if readAt - store.sweptAt >= max(countsGrace, 1) {
                store.sweptAt = readAt
                store.entries = store.entries.filter { $0.value.countsVersion == countsVersion || readAt - $0.value.readAt < countsGrace }
                store.papers = store.entries.values.reduce(0) { $0 + max($1.papers.count, 1) }
            }
            if store.papers > maximumPapers {
                store.entries.removeAll(keepingCapacity: true)
                store.papers = 0
            }
        }
    }
}
