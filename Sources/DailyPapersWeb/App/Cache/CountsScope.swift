import DailyPapersCore
import DailyPapersStore

/// The vote and comment counts a cached page shows. A vote on a paper the page does not show leaves it
/// fresh: under steady voting only the pages that show the voted papers are rendered again.
struct CountsScope: Sendable {
    /// Papers whose counts or discussion the page shows (base ids).
    var papers: [String] = []
    /// Featured days whose papers the page lists in an order counts can change (a day's papers by upvotes):
    /// a change to any paper of these days, shown or not, may change the page.
    var days: ClosedRange<CalendarDay>? = nil
    /// Counts anywhere may change the page (trending across days, statistics, papers of one submitter).
    var everything = false

    static let everything = CountsScope(everything: true)

    static func papers(_ ids: [String]) -> CountsScope { CountsScope(papers: ids) }
    static func shown(_ papers: [FeaturedPaper]) -> CountsScope { CountsScope(papers: papers.map(\.paper.id.base)) }
    static func days(_ days: ClosedRange<CalendarDay>) -> CountsScope { CountsScope(days: days) }

    /// A search's results: ranked by the text unless sorted by upvotes.
    static func search(_ filters: SearchFilters, _ hits: [SearchHit]) -> CountsScope {
        filters.sort == .upvotes ? .everything : .shown(hits.compactMap(\.featured))
    }

    /// A feed page lists all of its period's papers, in an order counts may change.
    static func feed(_ period: FeedPeriod?) -> CountsScope { period.map { .days($0.days) } ?? .everything }
}

/// Which papers' counts changed, in counts versions, as far as this process has read them: the response
/// cache asks it whether a page shows any of them. Bounded: past `maximumPapers` it forgets all and
/// starts again, and pages rendered before are then treated as stale (rendered again, as without it).
struct CountsLedger {
    static let maximumPapers = 100_000
    /// Changes after `start` and up to `version` are known.
    private(set) var start: Int64 = -1
    private(set) var version: Int64 = -1
    private var papers: [String: Int64] = [:]
    private var days: [CalendarDay: Int64] = [:]

    var isStarted: Bool { start >= 0 }

    /// Nothing known yet: changes are read from `version` on.
    mutating func begin(at version: Int64) {
        start = version
        self.version = version
        papers.removeAll()
        days.removeAll()
    }

    mutating func add(_ changes: [CountsChange], upTo version: Int64) {
        guard isStarted else { return begin(at: version) }
        if papers.count + changes.count > Self.maximumPapers { return begin(at: version) }
        for c in changes where c.version > start {
            papers[c.paper] = max(papers[c.paper] ?? 0, c.version)
            if let d = c.day { days[d] = max(days[d] ?? 0, c.version) }
        }
        self.version = max(self.version, version)
    }

    /// Whether nothing the scope shows changed after `from` up to `to`; false when it cannot tell.
    func unchanged(_ scope: CountsScope, from: Int64, to: Int64) -> Bool {
        guard !scope.everything, isStarted, from >= start, to <= version else { return false }
        for p in scope.papers where (papers[p] ?? 0) > from { return false }
        if let range = scope.days {
            for d in range where (days[d] ?? 0) > from { return false }
        }
        return true
    }
}
