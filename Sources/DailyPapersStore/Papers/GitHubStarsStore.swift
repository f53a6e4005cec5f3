import DailyPapersCore
import SQLKit

/// The GitHub repositories of papers on the feed and their stars: which to ask about next, and what GitHub said
/// (kept per repository with its ETag, and copied onto each of its papers for cards, the API and sorting).
public struct GitHubStarsStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    /// A repository to ask about: `owner/name` as a paper wrote it, its key (lowercased: GitHub's names ignore
    /// case), the ETag of the last answer, and its papers with the stars each shows now.
    public struct Repository: Sendable, Equatable {
        public let name: String
        public var key: String { name.lowercased() }
        public let etag: String?
        public let stars: Int?
        public let papers: [String: Int?]
    }

    /// The most papers on the feed looked at for repositories, newest days first.
    static let candidatePapers = 20_000

    /// Repositories of papers on the feed that were never asked about or not within `maxAge` seconds, never
    /// asked first, then the longest ago; at most `limit`. Papers whose repository's stars are known but not yet
    /// on them (newly featured, or their link changed) get them here, without asking GitHub.
    public func due(limit: Int, maxAge: Double, now: Timestamp = .now) async throws -> [Repository] {
        let rows = try await database.read { db in
            try await db.raw("""
                SELECT p.arxiv_id, p.github_repo, p.abstract, p.comment, p.github_stars
                FROM featured f JOIN papers p ON p.arxiv_id = f.paper_id
                WHERE f.hidden = 0 AND (p.github_repo LIKE '%github.com/%' OR p.abstract LIKE '%github.com/%' OR p.comment LIKE '%github.com/%')
                ORDER BY f.day DESC LIMIT \(bind: Self.candidatePapers)
                """).all()
        }
        // Each paper's repository as its page shows it (a link the record gives, else one found in its text).
        var order: [String] = []
        var names: [String: String] = [:]
        var papers: [String: [String: Int?]] = [:]
        for row in rows {
            let id = try row.decode(column: "arxiv_id", as: String.self)
            let paper = Paper(id: ArxivID(base: id, version: nil), title: "", abstract: try row.decode(column: "abstract", as: String.self),
                              comment: try row.decode(column: "comment", as: String?.self),
                              githubRepo: try row.decode(column: "github_repo", as: String?.self))
            guard let name = LinkFinder.gitHubRepository(paper.links.code) else { continue }
            let key = name.lowercased()
            if names[key] == nil { names[key] = name; order.append(key) }
            papers[key, default: [:]][id] = try row.decode(column: "github_stars", as: Int?.self)
        }
        let known = try await database.read { db in
            try await db.raw("SELECT repo, stars, etag, checked_at FROM github_repos").all()
        }
        var checked: [String: (stars: Int?, etag: String?, at: Int64)] = [:]
        for row in known {
            checked[try row.decode(column: "repo", as: String.self)] = (try row.decode(column: "stars", as: Int?.self),
                                                                        try row.decode(column: "etag", as: String?.self),
                                                                        try row.decode(column: "checked_at", as: Int64.self))
        }
        let stale = now.millisecondsSince1970 - Int64(maxAge * 1000)
        var never: [Repository] = [], old: [(Int64, Repository)] = []
        for key in order {
            let repository = Repository(name: names[key]!, etag: checked[key]?.etag, stars: checked[key]?.stars, papers: papers[key]!)
            guard let known = checked[key] else { never.append(repository); continue }
            if known.at < stale { old.append((known.at, repository)) } else { try await copyStars(repository) }
        }
        return Array((never + old.sorted { $0.0 < $1.0 }.map(\.1)).prefix(limit))
    }

    /// What GitHub said of a repository: its stars (nil: it is gone) and ETag, or (`unchanged`) that the last
    /// answer stands. Its papers show the stars from now on; pages change only if one of them did.
    public func record(_ repository: Repository, stars: Int?, etag: String?, unchanged: Bool = false, now: Timestamp = .now) async throws {
        let stars = unchanged ? repository.stars : stars
        let etag = unchanged ? repository.etag : etag
        try await database.write { db in
            try await db.raw("""
                INSERT INTO github_repos (repo, stars, etag, status, checked_at)
                VALUES (\(bind: repository.key), \(bind: stars), \(bind: etag), \(bind: stars == nil ? 404 : 200), \(bind: now.millisecondsSince1970))
                ON CONFLICT (repo) DO UPDATE SET stars = excluded.stars, etag = excluded.etag, status = excluded.status,
                  checked_at = excluded.checked_at
                """).run()
            try await Self.copy(stars, to: repository, on: db)
        }
    }

    private func copyStars(_ repository: Repository) async throws {
        guard repository.papers.values.contains(where: { $0 != repository.stars }) else { return }
        try await database.write { db in try await Self.copy(repository.stars, to: repository, on: db) }
    }

    private static func copy(_ stars: Int?, to repository: Repository, on db: any SQLDatabase) async throws {
        let changed = repository.papers.filter { $0.value != stars }.map(\.key)
        guard !changed.isEmpty else { return }
        let ids: [any Encodable & Sendable] = changed
        try await db.raw("UPDATE papers SET github_stars = \(bind: stars) WHERE arxiv_id IN (\(binds: ids))").run()
        try await PaperStore.bumpContentVersion(on: db)
    }

    /// The stars recorded for a repository (`owner/name`, any case); nil when never asked or gone.
    public func stars(of repository: String) async throws -> Int? {
        try await database.read { db in
            try await db.raw("SELECT stars FROM github_repos WHERE repo = \(bind: repository.lowercased())").first()?
                .decode(column: "stars", as: Int?.self)
        }
    }
}
