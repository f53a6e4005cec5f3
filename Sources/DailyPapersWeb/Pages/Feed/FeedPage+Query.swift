import DailyPapersCore
import DailyPapersStore

/// Loads the feed page's model from the store.
enum FeedPageQuery {
    static let pageSize = 100

    static func load(_ requested: FeedPeriod?, sort: FeedSort, codeOnly: Bool = false, page: Int, store: PaperStore) async throws -> FeedPageModel {
        let period: FeedPeriod?
        if let requested {
            period = requested
        } else {
            period = try await store.latestDay().map(FeedPeriod.day)
        }
        guard let period else {
            return FeedPageModel(period: nil, sort: sort, codeOnly: codeOnly, papers: [], total: 0, page: 0, pageSize: pageSize)
        }
        var query = FeedQuery(period: period, sort: sort, offset: page * pageSize, limit: pageSize)
        query.hasCode = codeOnly
        async let papers = store.featured(query)
        async let total = store.count(query)
        // Neighbours skip empty days: the nearest day with papers, as a period of the same kind.
        async let before = store.previousDay(before: period.days.lowerBound)
        async let after = store.nextDay(after: period.days.upperBound)
        return try await FeedPageModel(
            period: period, sort: sort, codeOnly: codeOnly, papers: papers, total: total, page: page, pageSize: pageSize,
            previous: before.map(period.sameKind(containing:)), next: after.map(period.sameKind(containing:)))
    }
}
