import DailyPapersCore

/// What narrows and orders a search.
public struct SearchFilters: Sendable, Equatable {
    public enum Sort: String, Sendable, CaseIterable { case relevance, newest, upvotes, stars }
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
    /// Only papers on the feed (`featured=1`); by default every paper the instance holds.
    public var featuredOnly = false
    public var offset = 0
    public var limit = 20

    /// Everything that decides the results, as one text (a cache key part).
    public var key: String {
        [category ?? "", from?.iso ?? "", to?.iso ?? "", author?.lowercased() ?? "", hasCode ? "1" : "0", sort.rawValue,
         featuredOnly ? "f" : "a", String(offset), String(limit)].joined(separator: "|")
    }

    public init(category: String? = nil, from: CalendarDay? = nil, to: CalendarDay? = nil, author: String? = nil,
                hasCode: Bool = false, sort: Sort = .relevance, featuredOnly: Bool = false, offset: Int = 0, limit: Int = 20) {
        self.category = category
        self.from = from
        self.to = to
        self.author = author
        self.hasCode = hasCode
        self.sort = sort
        self.featuredOnly = featuredOnly
        self.offset = offset
        self.limit = limit
    }
}

/// A paper found, on the feed or not, with the part of its abstract around the matches.
public struct SearchHit: Sendable {
    public let record: PaperRecord
    public let snippet: String

    public var paper: Paper { record.paper }
    /// Its place on the feed, if it has one.
    public var featured: FeaturedPaper? { record.featured }

    public init(record: PaperRecord, snippet: String) {
        self.record = record
        self.snippet = snippet
    }
}
