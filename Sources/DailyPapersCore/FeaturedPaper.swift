/// A paper's life in Daily Papers: the day it was featured, who brought it, and what readers made of it.
public struct FeaturedPaper: Hashable, Sendable {
    public var paper: Paper
    /// The day the paper is listed under in the daily feed.
    public var day: CalendarDay
    /// When it was submitted to the daily feed (HF's outer `publishedAt` and `submittedOnDailyAt`).
    public var submittedAt: Timestamp
    public var submittedBy: UserRef?
    public var upvotes: Int
    public var numComments: Int
    public var isAuthorParticipating: Bool
    public var trendingScore: Double

    public init(paper: Paper, day: CalendarDay, submittedAt: Timestamp, submittedBy: UserRef? = nil,
                upvotes: Int = 0, numComments: Int = 0, isAuthorParticipating: Bool = false,
                trendingScore: Double? = nil) {
        self.paper = paper
        self.day = day
        self.submittedAt = submittedAt
        self.submittedBy = submittedBy
        self.upvotes = upvotes
        self.numComments = numComments
        self.isAuthorParticipating = isAuthorParticipating
        self.trendingScore = trendingScore
            ?? Trending.standard.score(upvotes: upvotes, comments: numComments, submittedAt: submittedAt)
    }
}

/// How a list of featured papers is ordered.
public enum FeedSort: String, Sendable, CaseIterable {
    /// Most upvoted first (the feed's default, as on Hugging Face).
    case upvotes
    /// By `Trending` score.
    case trending
    /// Most recently submitted first (the API's `publishedAt` order).
    case newest
    /// Most GitHub stars first (papers without a known count last), then most upvoted.
    case stars
}
