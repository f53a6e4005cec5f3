import DailyPapersCore

/// Everything the feed page shows, as plain values.
struct FeedPageModel: Sendable {
    /// nil when the database has no featured papers at all.
    var period: FeedPeriod?
    var sort: FeedSort
    var papers: [FeaturedPaper]
    var total: Int
    var page: Int
    var pageSize: Int
    var previous: FeedPeriod?
    var next: FeedPeriod?

    var pageCount: Int { max(1, (total + pageSize - 1) / pageSize) }

    static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                         "September", "October", "November", "December"]
    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    static func shortDate(_ d: CalendarDay) -> String { "\(months[d.month - 1].prefix(3)) \(d.day)" }

    /// "Thursday, August 21, 2026", "Week 34 of 2026 · Aug 17 – Aug 23", "August 2026".
    static func title(of period: FeedPeriod) -> String {
        switch period {
        case .day(let d):
            return "\(weekdays[d.isoWeekday - 1]), \(months[d.month - 1]) \(d.day), \(d.year)"
        case .week(let y, let w):
            let days = period.days
            return "Week \(w) of \(y) · \(shortDate(days.lowerBound)) – \(shortDate(days.upperBound))"
        case .month(let y, let m):
            return "\(months[m - 1]) \(y)"
        }
    }
}
