import DailyPapersCore
import Foundation

/// How the community side of an instance behaves; part of `AppConfiguration`.
public struct CommunitySettings: Sendable {
    /// bcrypt cost (10-16).
    public var bcryptCost: Int
    public var submissionRules: SubmissionRules
    /// Seconds after posting during which a comment may be edited.
    public var commentEditWindow: Double
    /// Days a session lives without being used.
    public var sessionLifetimeDays: Double
    /// Multiplies every rate limit; 0 turns them off (benchmarks only).
    public var rateLimitScale: Double
    /// Take the client's address from X-Forwarded-For (only behind a proxy you run).
    public var trustProxy: Bool
    public var trending: Trending
    /// Base URL of the arXiv API used to look up submitted papers missing from the database (nil: database only).
    public var arxivAPI: String?
    /// Contact for arXiv's User-Agent.
    public var arxivContact: String?

    public init(bcryptCost: Int = 12, submissionRules: SubmissionRules = SubmissionRules(), commentEditWindow: Double = 900,
                sessionLifetimeDays: Double = 30, rateLimitScale: Double = 1, trustProxy: Bool = false,
                trending: Trending = .standard, arxivAPI: String? = "http://export.arxiv.org/api/query", arxivContact: String? = nil) {
        self.bcryptCost = bcryptCost
        self.submissionRules = submissionRules
        self.commentEditWindow = commentEditWindow
        self.sessionLifetimeDays = sessionLifetimeDays
        self.rateLimitScale = rateLimitScale
        self.trustProxy = trustProxy
        self.trending = trending
        self.arxivAPI = arxivAPI
        self.arxivContact = arxivContact
    }
}
