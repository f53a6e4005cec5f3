import DailyPapersCore
import Foundation
import SQLKit

/// Follows (issue 28, item 4): a member follows authors (by name as papers list them), arXiv categories, keywords
/// (a search's words) and members (the papers they submitted, and the papers they are a confirmed author of). The
/// "Following" list is the newest papers of the whole corpus, featured or not, that any of them brings.
public struct FollowStore: Sendable {
    let database: Database
    let papers: PaperStore
    public init(database: Database) {
        self.database = database
        papers = PaperStore(database: database)
    }

    public enum Kind: String, Sendable, CaseIterable {
        case author, category, keyword, member
    }

    public struct Follow: Sendable, Hashable {
        public let kind: Kind
        public let target: String
        public init(kind: Kind, target: String) { self.kind = kind; self.target = target }
    }

    /// Each follow is a query when the list is read: a hundred keeps a page's reads bounded.
    public static let perMember = 100
    public static let targetLength = 200
    /// Papers a follow brings at most to one reading of the list.
    static let perFollow = 50

    public enum Problem: Error, Equatable {
        case badTarget(Kind), tooMany, noSuchMember
    }

    /// Follows (or stops following) one thing. A target is checked for its kind: a plausible arXiv category, a
    /// member who exists, a name or words on one line.
    public func set(userID: Int, _ follow: Follow, on: Bool = true, now: Timestamp = .now) async throws {
        let target = try Self.checked(follow)
        try await database.write { db in
            guard on else {
                try await db.raw("""
                    DELETE FROM follows WHERE user_id = \(bind: userID) AND kind = \(bind: follow.kind.rawValue) AND target = \(bind: target)
                    """).run()
                return
            }
            if follow.kind == .member {
                guard try await db.raw("SELECT 1 AS x FROM users WHERE username = \(bind: target)").first() != nil else { throw Problem.noSuchMember }
            }
            if db.isPostgres { try await db.raw("SELECT id FROM users WHERE id = \(bind: userID) FOR UPDATE").run() }
            let count = try await db.raw("SELECT count(*) AS n FROM follows WHERE user_id = \(bind: userID)").first()?.decode(column: "n", as: Int.self) ?? 0
            guard count < Self.perMember else { throw Problem.tooMany }
            try await db.raw("""
                INSERT INTO follows (user_id, kind, target, created_at)
                VALUES (\(bind: userID), \(bind: follow.kind.rawValue), \(bind: target), \(bind: now.millisecondsSince1970))
                ON CONFLICT (user_id, kind, target) DO NOTHING
                """).run()
        }
    }

    /// The member's follows, by kind then target.
    public func follows(userID: Int) async throws -> [Follow] {
        try await database.read { db in
            try await db.raw("SELECT kind, target FROM follows WHERE user_id = \(bind: userID) ORDER BY kind, target").all().compactMap { row in
                guard let kind = Kind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
                return Follow(kind: kind, target: try row.decode(column: "target", as: String.self))
            }
        }
    }

    /// The newest papers (by arXiv id) any of the member's follows brings, with which follows brought each.
    public func following(userID: Int, limit: Int = 50) async throws -> [(paper: PaperRecord, because: [Follow])] {
        let follows = try await follows(userID: userID)
        guard !follows.isEmpty else { return [] }
        var brought: [String: [Follow]] = [:]
        for follow in follows {
            for id in try await papers(for: follow) { brought[id, default: []].append(follow) }
        }
        // Newest first: new-style ids by number, then old-style ones.
        let newest = brought.keys.sorted { a, b in
            let aOld = a.first?.isLetter == true, bOld = b.first?.isLetter == true
            return aOld != bOld ? !aOld : a > b
        }.prefix(limit)
        let records = try await papers.papers(Array(newest))
        return newest.compactMap { id in records[id].map { ($0, brought[id] ?? []) } }
    }

    /// Of `papers`, those any of the member's follows brings (in the order given), at most `limit`: a digest's
    /// "From what you follow" section, among the period's papers. Authors and categories as on the Following page,
    /// a keyword when all its words stand in the title or abstract, a member by what they submitted.
    public func matching(userID: Int, among papers: [FeaturedPaper], limit: Int) async throws -> [String] {
        let follows = try await follows(userID: userID)
        guard !follows.isEmpty else { return [] }
        let authors = Set(follows.filter { $0.kind == .author }.map { $0.target.lowercased() })
        let categories = Set(follows.filter { $0.kind == .category }.map(\.target))
        let members = Set(follows.filter { $0.kind == .member }.map { $0.target.lowercased() })
        let keywords = follows.filter { $0.kind == .keyword }.map { $0.target.lowercased().split(separator: " ").map(String.init) }
        var out: [String] = []
        for f in papers where out.count < limit {
            let p = f.paper
            let text = (p.title + " " + p.abstract).lowercased()
            if p.authors.contains(where: { authors.contains($0.name.lowercased()) }) || p.categories.contains(where: categories.contains)
                || f.submittedBy.map({ members.contains($0.username.lowercased()) }) == true
                || keywords.contains(where: { words in !words.isEmpty && words.allSatisfy(text.contains) }) {
                out.append(p.id.base)
            }
        }
        return out
    }

    /// The newest papers one follow brings.
    func papers(for follow: Follow) async throws -> [String] {
        let limit = Self.perFollow
        switch follow.kind {
        case .keyword:
            return try await papers.searchHits(follow.target, filters: SearchFilters(sort: .newest, limit: limit)).map(\.paper.id.base)
        case .author:
            return try await database.read { db in
                try await db.raw("""
                    SELECT paper_id FROM paper_authors WHERE name = \(bind: follow.target) ORDER BY paper_id DESC LIMIT \(unsafeRaw: String(limit))
                    """).all().map { try $0.decode(column: "paper_id", as: String.self) }
            }
        case .category:
            return try await database.read { db in
                try await db.raw("""
                    SELECT paper_id FROM paper_categories WHERE category = \(bind: follow.target) ORDER BY paper_id DESC LIMIT \(unsafeRaw: String(limit))
                    """).all().map { try $0.decode(column: "paper_id", as: String.self) }
            }
        case .member:
            return try await database.read { db in
                try await db.raw("""
                    SELECT paper_id FROM (
                      SELECT f.paper_id FROM featured f JOIN users u ON u.id = f.submitted_by WHERE u.username = \(bind: follow.target) AND f.hidden = 0
                      UNION SELECT a.paper_id FROM paper_authors a JOIN users u ON u.id = a.user_id
                        WHERE u.username = \(bind: follow.target) AND a.status = 'claimed_verified'
                    ) brought ORDER BY paper_id DESC LIMIT \(unsafeRaw: String(limit))
                    """).all().map { try $0.decode(column: "paper_id", as: String.self) }
            }
        }
    }

    /// The key in the member's Following feed's URL, made at the first ask: 32 random letters and digits.
    public func feedKey(userID: Int) async throws -> String {
        try await database.write { db in
            if let key = try await db.raw("SELECT feed_key FROM users WHERE id = \(bind: userID)").first()?
                .decode(column: "feed_key", as: String?.self) { return key }
            let key = CollectionStore.randomSlug(length: 32)
            try await db.raw("UPDATE users SET feed_key = \(bind: key) WHERE id = \(bind: userID) AND feed_key IS NULL").run()
            return try await db.raw("SELECT feed_key FROM users WHERE id = \(bind: userID)").first()?.decode(column: "feed_key", as: String.self) ?? key
        }
    }

    /// The member (id and username) whose Following feed `key` opens; nil for any other string.
    public func member(feedKey key: String) async throws -> (id: Int, username: String)? {
        guard key.utf8.count == 32, key.utf8.allSatisfy({ (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) }) else { return nil }
        return try await database.read { db in
            try await db.raw("SELECT id, username FROM users WHERE feed_key = \(bind: key) AND banned_at IS NULL").first().map {
                (try $0.decode(column: "id", as: Int.self), try $0.decode(column: "username", as: String.self))
            }
        }
    }

    static func checked(_ follow: Follow) throws -> String {
        let target = follow.target.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !target.isEmpty, target.count <= targetLength, !target.contains(where: { $0.isNewline || ($0.isASCII && $0.asciiValue! < 0x20) }) else {
            throw Problem.badTarget(follow.kind)
        }
        switch follow.kind {
        case .category: guard ArxivCategory.isPlausible(target) else { throw Problem.badTarget(.category) }
        case .keyword: guard SearchQuery(target) != nil else { throw Problem.badTarget(.keyword) }
        case .member: guard target.count <= 100 else { throw Problem.badTarget(.member) }
        case .author: break
        }
        return target
    }
}
