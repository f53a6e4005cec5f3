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

    private let kept = Mutex<[String: Kept]>([:])
    let countsGrace: Double
    /// Members times pages; past it, it is emptied (each member then pays one query again).
    let maximumEntries: Int
    static let clockMargin = 1.0

    init(countsGrace: Double, maximumEntries: Int = 50_000) {
        self.countsGrace = countsGrace
        self.maximumEntries = maximumEntries
    }

    func papers(_ key: String, now: Double, countsVersion: Int64, wroteAt: Double?) -> [String: PaperViewerState]? {
        kept.withLock { entries in
            guard let k = entries[key] else { return nil }
            if let wroteAt, k.readAt <= wroteAt + Self.clockMargin { return nil }
            guard k.countsVersion == countsVersion || now - k.readAt < countsGrace else { return nil }
            return k.papers
        }
    }

    func keep(_ key: String, _ papers: [String: PaperViewerState], readAt: Double, countsVersion: Int64) {
        kept.withLock { entries in
            if entries.count >= maximumEntries { entries.removeAll(keepingCapacity: true) }
            entries[key] = Kept(papers: papers, readAt: readAt, countsVersion: countsVersion)
        }
    }
}
