/// A research paper as arXiv and Hugging Face describe it, independent of its life in Daily Papers.
public struct Paper: Hashable, Sendable {
    public var id: ArxivID
    public var title: String
    public var abstract: String
    /// In the paper's order.
    public var authors: [Author]
    /// The primary category first.
    public var categories: [String]
    /// When version 1 appeared (HF's `paper.publishedAt`).
    public var firstVersionAt: Timestamp?
    /// When the latest known version appeared.
    public var latestVersionAt: Timestamp?
    public var comment: String?
    public var journalRef: String?
    public var doi: String?
    public var githubRepo: String?
    public var projectPage: String?
    public var thumbnailURL: String?
    public var aiSummary: String?
    /// The summary was made by this instance's summaries job (a model it configured), not given with the paper.
    public var aiSummaryGenerated = false
    public var aiKeywords: [String]
    /// HF's discussion id for the paper's comment thread, kept for API compatibility.
    public var discussionID: String?
    /// Stars of its GitHub repository when last asked (the stars job); nil when unknown or not on GitHub.
    public var githubStars: Int?

    public init(
        id: ArxivID, title: String, abstract: String, authors: [Author] = [], categories: [String] = [],
        firstVersionAt: Timestamp? = nil, latestVersionAt: Timestamp? = nil, comment: String? = nil,
        journalRef: String? = nil, doi: String? = nil, githubRepo: String? = nil, projectPage: String? = nil,
        thumbnailURL: String? = nil, aiSummary: String? = nil, aiKeywords: [String] = [], discussionID: String? = nil,
        githubStars: Int? = nil
    ) {
        self.id = id
        self.title = title
        self.abstract = abstract
        self.authors = authors
        self.categories = categories
        self.firstVersionAt = firstVersionAt
        self.latestVersionAt = latestVersionAt
        self.comment = comment
        self.journalRef = journalRef
        self.doi = doi
        self.githubRepo = githubRepo
        self.projectPage = projectPage
        self.thumbnailURL = thumbnailURL
        self.aiSummary = aiSummary
        self.aiKeywords = aiKeywords
        self.discussionID = discussionID
        self.githubStars = githubStars
    }

    public var primaryCategory: String? { categories.first }
    public var links: PaperLinks { PaperLinks(paper: self) }
}

public struct Author: Hashable, Sendable {
    public var name: String
    /// HF's per-paper author record id (`_id`), kept so API clients see stable ids.
    public var hfID: String?
    public var hidden: Bool
    /// The account that claimed this authorship, when one did.
    public var user: UserRef?
    /// HF's claim status (`claimed_verified`, `admin_assigned`, ...).
    public var status: String?
    public var statusChangedAt: Timestamp?
    /// As arXiv lists them (the API and OAI-PMH `arXiv` format carry them).
    public var affiliations: [String]

    public init(name: String, hfID: String? = nil, hidden: Bool = false, user: UserRef? = nil,
                status: String? = nil, statusChangedAt: Timestamp? = nil, affiliations: [String] = []) {
        self.name = name
        self.affiliations = affiliations
        self.hfID = hfID
        self.hidden = hidden
        self.user = user
        self.status = status
        self.statusChangedAt = statusChangedAt
    }
}

/// A person or organisation account as shown next to papers: a submitter or a claimed author.
public struct UserRef: Hashable, Sendable {
    public var username: String
    public var fullname: String
    public var hfID: String?
    public var avatarURL: String?
    /// `user` or `org`, as on Hugging Face.
    public var kind: String
    public var isPro: Bool

    public init(username: String, fullname: String, hfID: String? = nil, avatarURL: String? = nil,
                kind: String = "user", isPro: Bool = false) {
        self.username = username
        self.fullname = fullname
        self.hfID = hfID
        self.avatarURL = avatarURL
        self.kind = kind
        self.isPro = isPro
    }
}

/// Where to read a paper. Code and project links come from the record when it has them,
/// otherwise from URLs found in the abstract or the comment.
public struct PaperLinks: Hashable, Sendable {
    public var abstract: String
    public var pdf: String
    public var code: String?
    public var projectPage: String?

    public init(paper: Paper) {
        abstract = "https://arxiv.org/abs/\(paper.id.base)"
        pdf = "https://arxiv.org/pdf/\(paper.id.base)"
        let found = LinkFinder.links(in: [paper.comment ?? "", paper.abstract])
        // Imported links are data from elsewhere: only http(s) ones become links (no `javascript:`, `data:`...).
        code = LinkFinder.webURL(paper.githubRepo) ?? found.code
        projectPage = LinkFinder.webURL(paper.projectPage) ?? found.projectPage
    }
}
