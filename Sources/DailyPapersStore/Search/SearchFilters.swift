import DailyPapersCore

/// What narrows and orders a search.
public struct SearchFilters: Sendable, Equatable {
    public enum Sort: String, Sendable, CaseIterable { case relevance, newest, upvotes }
    /// Best first, nothing narrowed: the search most readers make.
    var isPlainRelevance: Bool { sort == .relevance && category == nil && from == nil && to == nil && author == nil && !hasCode }
    public var category: String?
    public var from: CalendarDay?
    public var to: CalendarDay?
    /// Part of an author's name.
    public var author: String?
    /// Only papers with a code repository (recorded, or a GitHub link in the abstract or comment).
    public var hasCode = false
    public var sort = Sort.relevance
    public var offset = 0
    public var limit = 20

    /// Everything that decides the results, as one text (a cache key part).
    public var key: String {
        [category ?? "", from?.iso ?? "", to?.iso ?? "", author?.lowercased() ?? "", hasCode ? "1" : "0", sort.rawValue,
         String(offset), String(limit)].joined(separator: "|")
    }

    public init(category: String? = nil, from: CalendarDay? = nil, to: CalendarDay? = nil, author: String? = nil,
                hasCode: Bool = false, sort: Sort = .relevance, offset: Int = 0, limit: Int = 20) {
        self.category = category
        self.from = from
        self.to = to
        self.author = author
        self.hasCode = hasCode
        self.sort = sort
        self.offset = offset
        self.limit = limit
    }
}

public struct SearchHit: Sendable {
    public let paper: FeaturedPaper
    public let snippet: String
}
