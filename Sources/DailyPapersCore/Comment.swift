/// A comment under a paper. Deleted comments keep their place (replies hang on them) but lose their text.
public struct Comment: Sendable, Equatable, Identifiable {
    public var id: Int
    public var paperID: ArxivID
    public var parentID: Int?
    public var author: UserRef
    public var body: String
    public var createdAt: Timestamp
    public var editedAt: Timestamp?
    public var deleted: Bool
    /// Set when a moderator hid it; only moderators see the text and the reason.
    public var hiddenReason: String?

    public init(id: Int, paperID: ArxivID, parentID: Int?, author: UserRef, body: String, createdAt: Timestamp,
                editedAt: Timestamp? = nil, deleted: Bool = false, hiddenReason: String? = nil) {
        self.id = id
        self.paperID = paperID
        self.parentID = parentID
        self.author = author
        self.body = body
        self.createdAt = createdAt
        self.editedAt = editedAt
        self.deleted = deleted
        self.hiddenReason = hiddenReason
    }

    public var isHidden: Bool { hiddenReason != nil }

    /// The longest comment accepted, in characters.
    public static let maximumLength = 10_000
}

/// Rules for community submissions, as on Hugging Face and configurable per instance.
public struct SubmissionRules: Sendable, Equatable {
    /// Submissions one account may make per UTC day.
    public var dailyCap: Int
    /// Papers whose first version is older than this many days are refused.
    public var maximumAgeDays: Int

    public init(dailyCap: Int = 5, maximumAgeDays: Int = 14) {
        self.dailyCap = dailyCap
        self.maximumAgeDays = maximumAgeDays
    }
}
