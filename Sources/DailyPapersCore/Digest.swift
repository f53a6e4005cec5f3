import Foundation

/// How often a subscriber hears from us: on weekdays (as on Hugging Face) or once a week.
public enum DigestFrequency: String, Sendable, CaseIterable {
    case daily, weekly
}

/// What a subscriber asked for. Topics narrow the digest; with none, it is the site's top papers.
public struct DigestPreferences: Sendable, Equatable {
    public var frequency: DigestFrequency
    /// Papers per digest, 5-50.
    public var size: Int
    /// arXiv categories (primary or cross-listed), e.g. `cs.LG`.
    public var categories: [String]
    /// Words or phrases looked for in titles and abstracts, case-insensitively.
    public var keywords: [String]
    /// Author names followed (case-insensitive, whole name).
    public var authors: [String]
    /// Send a short "nothing matched" mail rather than nothing.
    public var sendWhenEmpty: Bool
    /// A member's own sections after the trending papers: "For you" and "From what you follow" (a subscription made
    /// while signed in; others have no member to rank for).
    public var personalSections: Bool

    public static let sizes = 5...50

    public init(frequency: DigestFrequency = .daily, size: Int = 10, categories: [String] = [], keywords: [String] = [],
                authors: [String] = [], sendWhenEmpty: Bool = false, personalSections: Bool = false) {
        self.frequency = frequency
        self.size = size
        self.categories = categories
        self.keywords = keywords
        self.authors = authors
        self.sendWhenEmpty = sendWhenEmpty
        self.personalSections = personalSections
    }

    public var hasTopics: Bool { !(categories.isEmpty && keywords.isEmpty && authors.isEmpty) }
}

/// The period a digest covers. Daily digests cover one weekday's featured papers; weekly ones an ISO week.
/// The key names the period in the deliveries table: one digest per subscriber per key, ever.
public struct DigestPeriod: Sendable, Hashable {
    public let frequency: DigestFrequency
    public let feedPeriod: FeedPeriod

    public init(frequency: DigestFrequency, feedPeriod: FeedPeriod) {
        self.frequency = frequency
        self.feedPeriod = feedPeriod
    }

    /// The daily digest of `day`, or nil on a weekend (no digest, as on Hugging Face).
    public static func daily(_ day: CalendarDay) -> DigestPeriod? {
        let weekday = day.isoWeekday
        guard weekday <= 5 else { return nil }
        return DigestPeriod(frequency: .daily, feedPeriod: .day(day))
    }

    /// The weekly digest of the ISO week containing `day`.
    public static func weekly(containing day: CalendarDay) -> DigestPeriod {
        DigestPeriod(frequency: .weekly, feedPeriod: FeedPeriod.week(year: 0, week: 1).sameKind(containing: day))
    }

    public var key: String { "\(frequency.rawValue):\(feedPeriod.key)" }
}

/// A candidate for a digest: the fields topic matching needs.
public struct DigestCandidate: Sendable, Equatable {
    public var id: String
    public var title: String
    public var abstract: String
    public var authors: [String]
    public var categories: [String]
    public var upvotes: Int

    public init(id: String, title: String, abstract: String, authors: [String], categories: [String], upvotes: Int) {
        self.id = id
        self.title = title
        self.abstract = abstract
        self.authors = authors
        self.categories = categories
        self.upvotes = upvotes
    }
}

/// Who gets which papers: a pure function, so the digest of any subscriber can be previewed and tested.
public enum DigestSelection {
    /// The first `size` candidates (already in trending order) that match the topics and were not in an
    /// earlier digest of this subscriber. No topics: every paper matches.
    public static func select(_ candidates: [DigestCandidate], preferences: DigestPreferences, alreadySent: Set<String>) -> [DigestCandidate] {
        var selector = DigestSelector(candidates)
        return selector.select(preferences: preferences, alreadySent: alreadySent)
    }
}

/// `DigestSelection` for a whole run: the candidates' text is folded once, and which candidates match a
/// set of topics is worked out once per distinct set (most subscribers share theirs, or have none), so
/// picking for 100,000 subscribers costs little more than picking for the distinct topic sets.
public struct DigestSelector: Sendable {
    struct Folded: Sendable {
        var text: String
        var categories: Set<String>
        var authors: Set<String>
    }

    struct Topics: Hashable {
        var categories: [String]
        var keywords: [String]
        var authors: [String]
    }

    public let candidates: [DigestCandidate]
    private let folded: [Folded]
    /// Indexes of the matching candidates, in trending order, per topic set.
    private var matches: [Topics: [Int]] = [:]

    public init(_ candidates: [DigestCandidate]) {
        self.candidates = candidates
        folded = candidates.map {
            Folded(text: ($0.title + " " + $0.abstract).lowercased(), categories: Set($0.categories.map { $0.lowercased() }),
                   authors: Set($0.authors.map(TextHelpers.normalizedName)))
        }
    }

    public mutating func select(preferences: DigestPreferences, alreadySent: Set<String>) -> [DigestCandidate] {
        var out: [DigestCandidate] = []
        for i in matching(preferences) where !alreadySent.contains(candidates[i].id) {
            out.append(candidates[i])
            if out.count == preferences.size { break }
        }
        return out
    }

    private mutating func matching(_ preferences: DigestPreferences) -> [Int] {
        guard preferences.hasTopics else { return Array(candidates.indices) }
        let topics = Topics(categories: preferences.categories.map { $0.lowercased() }.sorted(),
                            keywords: preferences.keywords.map { $0.lowercased() }.filter { !$0.isEmpty }.sorted(),
                            authors: preferences.authors.map(TextHelpers.normalizedName).sorted())
        if let known = matches[topics] { return known }
        let categories = Set(topics.categories), authors = Set(topics.authors)
        let found = folded.indices.filter { i in
            let c = folded[i]
            return !c.categories.isDisjoint(with: categories) || topics.keywords.contains { c.text.contains($0) }
                || !c.authors.isDisjoint(with: authors)
        }
        matches[topics] = found
        return found
    }
}
