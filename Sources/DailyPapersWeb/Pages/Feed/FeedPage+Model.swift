import DailyPapersCore

/// Everything the feed page shows, as plain values.
struct FeedPageModel: Sendable {
    /// nil when the database has no featured papers at all.
    var period: FeedPeriod?
    var sort: FeedSort
    /// Only papers with a code repository.
    var codeOnly = false
    var papers: [FeaturedPaper]
    var total: Int
    var page: Int
    var pageSize: Int
    var previous: FeedPeriod?
    var next: FeedPeriod?

    var pageCount: Int { max(1, (total + pageSize - 1) / pageSize) }

    /// "Thursday, August 21, 2026", "Week 34 of 2026 · Aug 17 – Aug 23", "August 2026".
    static func title(of period: FeedPeriod) -> String { period.title }
}
