import DailyPapersCore
import SQLKit

/// Links a paper's own authors set: its code repository and project page, by a member whose authorship claim an
/// admin confirmed. From then on imports leave the two links alone (`links_by_author`), and each change is in the
/// moderation log, as the author's own action.
extension PaperStore {
    public enum LinksProblem: Error, Equatable {
        case noPaper
        /// The member has no confirmed claim on the paper.
        case notAnAuthor
    }

    /// Sets both links (nil clears one). The caller has checked they are http(s) URLs (`LinkFinder.webURL`).
    public func setLinks(paper: ArxivID, code: String?, projectPage: String?, userID: Int, now: Timestamp = .now) async throws {
        try await database.write { db in
            guard try await db.raw("SELECT 1 AS one FROM papers WHERE arxiv_id = \(bind: paper.base)").first() != nil else {
                throw LinksProblem.noPaper
            }
            guard try await db.raw("""
                SELECT 1 AS one FROM author_claims
                WHERE paper_id = \(bind: paper.base) AND user_id = \(bind: userID) AND status = 'confirmed'
                """).first() != nil else { throw LinksProblem.notAnAuthor }
            // A new repository's stars are unknown until the stars job asks; the old ones would be another project's.
            try await db.raw("""
                UPDATE papers SET github_repo = \(bind: code), project_page = \(bind: projectPage), links_by_author = 1,
                  github_stars = CASE WHEN github_repo IS \(unsafeRaw: db.isPostgres ? "NOT DISTINCT FROM" : "") \(bind: code)
                                      THEN github_stars ELSE NULL END
                WHERE arxiv_id = \(bind: paper.base)
                """).run()
            try await ModerationStore.log(userID, "set links", paper.base,
                                          "code: \(code ?? "none"); project page: \(projectPage ?? "none")", now, on: db)
            try await Self.bumpContentVersion(on: db)
        }
    }

    /// Whether the member may set the paper's links (a confirmed claim on it).
    public func isConfirmedAuthor(userID: Int, paper: ArxivID) async throws -> Bool {
        try await database.read { db in
            try await db.raw("""
                SELECT 1 AS one FROM author_claims
                WHERE paper_id = \(bind: paper.base) AND user_id = \(bind: userID) AND status = 'confirmed'
                """).first() != nil
        }
    }
}
