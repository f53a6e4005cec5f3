/// The wire shapes of Hugging Face's `GET /api/daily_papers`, decoded leniently: every field a
/// recorder could have dropped is optional, and only what a paper cannot exist without is required.
struct HFDailyItemJSON: Decodable {
    var paper: HFPaperJSON
    var publishedAt: String?
    var title: String?
    var summary: String?
    var thumbnail: String?
    var numComments: Int?
    var submittedBy: HFUserJSON?
    var isAuthorParticipating: Bool?
}

struct HFPaperJSON: Decodable {
    var id: String
    var authors: [HFAuthorJSON]
    var publishedAt: String?
    var title: String
    var summary: String
    var upvotes: Int?
    var discussionId: String?
    var submittedOnDailyAt: String?
    var submittedOnDailyBy: HFUserJSON?
    var githubRepo: String?
    var projectPage: String?
    var ai_keywords: [String]?
    var ai_summary: String?
}

struct HFAuthorJSON: Decodable {
    var _id: String?
    var name: String
    var hidden: Bool?
    var user: HFUserJSON?
    var status: String?
    var statusLastChangedAt: String?
}

/// Users appear in two shapes: claimed authors carry `user` (the username), submitters carry `name`.
struct HFUserJSON: Decodable {
    var _id: String?
    var avatarUrl: String?
    var fullname: String?
    var name: String?
    var user: String?
    var type: String?
    var isPro: Bool?
}

/// The `{status, date, count, data}` wrapper some recorders saved instead of the bare array.
struct HFWrapperJSON: Decodable {
    var date: String?
    var data: [HFDailyItemJSON]
}
