import DailyPapersCore
import DailyPapersStore

/// Hugging Face's `/api/daily_papers` item, field for field, so clients written for huggingface.co
/// decode it unchanged. Optional fields are omitted when absent, as HF omits them.
struct HFDailyItem: Encodable {
    var paper: HFPaper
    var publishedAt: String
    var title: String
    var summary: String
    var thumbnail: String?
    var numComments: Int
    var submittedBy: HFSubmitter?
    var isAuthorParticipating: Bool

    init(_ f: FeaturedPaper) { self.init(.featured(f)) }

    /// A paper's feed entry, or, for a paper found by search that was never featured, the same shape with what
    /// a paper alone has (published when its first version was, no submitter, no upvotes or comments).
    init(_ record: PaperRecord) {
        let p = record.paper, f = record.featured
        paper = HFPaper(p, featured: f)
        publishedAt = (f?.submittedAt ?? p.firstVersionAt ?? p.latestVersionAt ?? Timestamp(millisecondsSince1970: 0)).iso8601
        title = p.title
        summary = p.abstract
        thumbnail = p.thumbnailURL
        numComments = f?.numComments ?? 0
        submittedBy = f?.submittedBy.map(HFSubmitter.init)
        isAuthorParticipating = f?.isAuthorParticipating ?? false
    }
}

struct HFPaper: Encodable {
    var id: String
    var authors: [HFAuthor]
    var publishedAt: String?
    var submittedOnDailyAt: String?
    var title: String
    var summary: String
    var upvotes: Int
    var discussionId: String
    var submittedOnDailyBy: HFUser?
    var githubRepo: String?
    var projectPage: String?
    /// Hugging Face's name: the repository's stars when last asked (the stars job).
    var githubStars: Int?
    var ai_keywords: [String]?
    var ai_summary: String?

    init(_ p: Paper, featured f: FeaturedPaper?) {
        id = p.id.base
        authors = p.authors.map { HFAuthor($0, paperID: p.id.base) }
        publishedAt = (p.firstVersionAt ?? f?.submittedAt)?.iso8601
        submittedOnDailyAt = f?.submittedAt.iso8601
        title = p.title
        summary = p.abstract
        upvotes = f?.upvotes ?? 0
        discussionId = p.discussionID ?? StableID.hex24("discussion:" + p.id.base)
        submittedOnDailyBy = f?.submittedBy.map(HFUser.init)
        let links = p.links  // computed: it scans the abstract
        githubRepo = links.code
        projectPage = links.projectPage
        githubStars = p.githubStars
        ai_keywords = p.aiKeywords.isEmpty ? nil : p.aiKeywords
        ai_summary = p.aiSummary
    }
}

struct HFAuthor: Encodable {
    var _id: String
    var name: String
    var hidden: Bool
    var user: HFUser?
    var status: String?
    var statusLastChangedAt: String?

    init(_ a: Author, paperID: String) {
        _id = a.hfID ?? StableID.hex24("author:\(paperID):\(a.name)")
        name = a.name
        hidden = a.hidden
        user = a.user.map(HFUser.init)
        status = a.status
        statusLastChangedAt = a.statusChangedAt?.iso8601
    }
}

/// A user as HF embeds it in `authors[].user` and `submittedOnDailyBy`.
struct HFUser: Encodable {
    var _id: String
    var avatarUrl: String
    var isPro: Bool
    var fullname: String
    var user: String
    var type: String
    var name: String

    init(_ u: UserRef) {
        _id = u.hfID ?? StableID.hex24("user:" + u.username)
        avatarUrl = u.avatarURL ?? "/avatars/default.svg"
        isPro = u.isPro
        fullname = u.fullname
        user = u.username
        type = u.kind
        name = u.username
    }
}

/// The outer `submittedBy` shape.
struct HFSubmitter: Encodable {
    var _id: String
    var avatarUrl: String
    var fullname: String
    var name: String
    var type: String
    var isPro: Bool
    var isHf: Bool
    var isMod: Bool
    var followerCount: Int

    init(_ u: UserRef) {
        _id = u.hfID ?? StableID.hex24("user:" + u.username)
        avatarUrl = u.avatarURL ?? "/avatars/default.svg"
        fullname = u.fullname
        name = u.username
        type = u.kind
        isPro = u.isPro
        isHf = false
        isMod = false
        followerCount = 0
    }
}

struct APIError: Encodable {
    var error: String
}

/// One answer of `/api/papers/{id}/similar`: HF's paper object and how alike (cosine, 0-1).
struct HFSimilarPaper: Encodable {
    var paper: HFPaper
    var similarity: Double
}
