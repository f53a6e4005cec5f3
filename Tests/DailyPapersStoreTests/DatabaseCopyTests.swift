import DailyPapersCore
@testable import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import Logging
import Testing

/// `dailypapers copy`: an instance on SQLite moved to the suite's database (PostgreSQL in CI's second pass).
@Suite struct DatabaseCopyTests {
    /// A table a migration adds is copied, or is named here with why not: none is forgotten.
    @Test func everyTableIsCopiedOrSaysWhyNot() async throws {
        let notCopied: Set<String> = [
            "schema_migrations",  // the target's own
            "job_leases",  // held by the old instance's processes
            "counts_changes",  // which pages to render again: the new instance starts with none rendered
        ]
        try await TestDatabase.with { t in
            guard !t.database.isPostgres else { return }
            let tables = try await t.database.read { db in
                try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    .all().map { try $0.decode(column: "name", as: String.self) }
            }
            let copied = Set(DatabaseCopy.tables.map(\.name))
            for table in tables { #expect(copied.contains(table) || notCopied.contains(table), "\(table) is neither copied nor excused") }
        }
    }

    @Test func anInstanceMovesWithPapersUsersVotesCommentsAndSubscriptions() async throws {
        let folder = NSTemporaryDirectory() + "dailypapers-copy-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let logger = Logger(label: "test")
        let source = try await Database.open(.sqliteFile(path: folder + "/old.sqlite"), logger: logger)
        try await Migrator.migrate(source, logger: logger)

        // An instance with a bit of everything, including text that quoting or encoding could damage.
        let papers = PaperStore(database: source)
        var featured: [FeaturedPaper] = []
        for i in 1...130 {
            let p = Paper(id: ArxivID(parsing: String(format: "2411.%05d", i))!, title: i == 7 ? "Émigré's \"quoted\" 数学 paper" : "Paper \(i) on diffusion",
                          abstract: "Abstract \(i); O'Brien wrote it.\nSecond line.", authors: [Author(name: "Ada Lovelace"), Author(name: "Author \(i)")],
                          categories: ["cs.LG", "stat.ML"])
            featured.append(FeaturedPaper(paper: p, day: CalendarDay(iso: "2026-11-\(10 + i % 15)")!, submittedAt: .now, upvotes: i))
        }
        try await papers.saveFeatured(featured, trending: .standard)
        let accounts = AccountStore(database: source)
        let ada = try await accounts.create(username: "ada", fullname: "Ada", email: "ada@example.org", passwordHash: "$2b$12$hash", verified: true)
        let bob = try await accounts.create(username: "bob", fullname: "Bob", email: "bob@example.org", passwordHash: "$2b$12$hash2")
        let votes = VoteStore(database: source, trending: .standard)
        _ = try await votes.setVote(userID: ada.id, paper: featured[6].paper.id, voted: true)
        _ = try await votes.setVote(userID: bob.id, paper: featured[6].paper.id, voted: true)
        let comments = CommentStore(database: source, trending: .standard)
        let top = try await comments.add(paper: featured[6].paper.id, parentID: nil, userID: ada.id, body: "First **bold** <script> C:\\path\\n\ttab\r\nline \\N")
        _ = try await comments.add(paper: featured[6].paper.id, parentID: top, userID: bob.id, body: "A reply")
        let subscriptions = SubscriptionStore(database: source)
        _ = try await subscriptions.subscribe(email: "reader@example.org", preferences: DigestPreferences(frequency: .weekly, size: 7, keywords: ["diffusion"]),
                                              userID: nil, manageToken: "manage-token", confirmTokenHash: "hash", expiresAt: Timestamp.now.adding(seconds: 3600))
        _ = try await subscriptions.confirm(tokenHash: "hash")
        let before = try await papers.paper(featured[6].paper.id)?.featured

        try await TestDatabase.with { t in
            let report = try await DatabaseCopy.copy(from: source, to: t.database, logger: logger)
            let counts = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.table, $0.count) })
            #expect(counts["papers"] == 130 && counts["paper_authors"] == 260 && counts["paper_categories"] == 260)
            #expect(counts["users"] == 2 && counts["votes"] == 2 && counts["comments"] == 2 && counts["subscriptions"] == 1)

            let copied = PaperStore(database: t.database)
            let after = try await copied.paper(featured[6].paper.id)?.featured
            #expect(after == before)
            #expect(after?.paper.title == "Émigré's \"quoted\" 数学 paper" && after?.upvotes == 9)
            #expect(try await copied.count(FeedQuery()) == 130)
            // The search index is rebuilt on the target.
            #expect(try await copied.search("émigré", limit: 5).map(\.paper.id) == [featured[6].paper.id])
            #expect(try await copied.search("diffusion", limit: 500).count == 129)
            // Prefixes too, and a paper saved again on the target replaces its own row.
            #expect(try await copied.searchHits("émig*", filters: SearchFilters()).map(\.paper.id) == [featured[6].paper.id])
            try await copied.saveFeatured([featured[0]], trending: .standard)
            #expect(try await copied.searchHits("diffus*", filters: SearchFilters(limit: 500)).count == 129)
            let thread = try await CommentStore(database: t.database, trending: .standard).comments(paper: featured[6].paper.id)
            #expect(thread.map(\.body) == ["First **bold** <script> C:\\path\\n\ttab\r\nline \\N", "A reply"] && thread[1].parentID == thread[0].id)
            #expect(try await AccountStore(database: t.database).account(username: "ada")?.email == "ada@example.org")
            let reader = try #require(try await SubscriptionStore(database: t.database).subscription(manageToken: "manage-token"))
            #expect(reader.status == .active && reader.preferences.size == 7 && reader.preferences.keywords == ["diffusion"])
            // New rows continue the copied ids instead of colliding with them.
            let carol = try await AccountStore(database: t.database).create(username: "carol", fullname: "C", email: "c@example.org", passwordHash: "x")
            #expect(carol.id > bob.id)
            // A vote on the target recounts from the copied rows.
            #expect(try await VoteStore(database: t.database, trending: .standard).setVote(userID: carol.id, paper: featured[6].paper.id, voted: true).upvotes == 10)

            // A second copy into a database that holds data is refused, changing nothing.
            await #expect(throws: ConfigurationError.self) { try await DatabaseCopy.copy(from: source, to: t.database, logger: logger) }
            #expect(try await copied.count(FeedQuery()) == 130)
        }
        await source.close()
    }
}
