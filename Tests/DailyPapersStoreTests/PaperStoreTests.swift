import Foundation
import DailyPapersCore
import DailyPapersStore
import DailyPapersTestSupport
import Testing

@Suite struct PaperStoreTests {
    func featured(_ id: String, day: String, upvotes: Int = 0, comments: Int = 0, at time: String? = nil,
                  by: String? = nil, title: String = "A paper") throws -> FeaturedPaper {
        let d = try #require(CalendarDay(iso: day))
        let paper = Paper(id: try #require(ArxivID(parsing: id)), title: title, abstract: "About \(id).",
                          authors: [Author(name: "Ada Lovelace"), Author(name: "Alan Turing")], categories: ["cs.LG", "cs.AI"])
        return FeaturedPaper(paper: paper, day: d, submittedAt: time.flatMap(Timestamp.init(iso8601:)) ?? d.startTimestamp,
                             submittedBy: by.map { UserRef(username: $0, fullname: $0.capitalized) },
                             upvotes: upvotes, numComments: comments)
    }

    @Test func roundTripsAPaperWithAuthorsAndCategoriesInOrder() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured([try featured("2412.01981v2", day: "2024-12-04", upvotes: 17, by: "lievan")], trending: .standard)
            let record = try #require(try await store.paper(ArxivID(parsing: "2412.01981")!))
            let f = try #require(record.featured)
            #expect(f.paper.id.versioned == "2412.01981v2")
            #expect(f.paper.authors.map(\.name) == ["Ada Lovelace", "Alan Turing"])
            #expect(f.paper.categories == ["cs.LG", "cs.AI"])
            #expect(f.paper.primaryCategory == "cs.LG")
            #expect(f.upvotes == 17)
            #expect(f.submittedBy?.username == "lievan")
            #expect(f.day.iso == "2024-12-04")
        }
    }

    /// Saved again with fewer authors, a paper keeps only the new list; the other papers of the batch
    /// keep theirs.
    @Test func anAuthorListThatShrankLosesItsTail() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let ids = ["2412.00001", "2412.00002", "2412.00003"]
            var papers = try ids.map { try featured($0, day: "2024-12-04") }
            for i in papers.indices { papers[i].paper.authors = (1...5).map { Author(name: "Author \($0)") } }
            try await store.saveFeatured(papers, trending: .standard)
            papers[0].paper.authors = [Author(name: "Author 1"), Author(name: "Someone Else")]
            papers[2].paper.authors = []
            try await store.saveFeatured(papers, trending: .standard)
            let stored = try await store.papers(ids)
            #expect(stored[ids[0]]?.paper.authors.map(\.name) == ["Author 1", "Someone Else"])
            #expect(stored[ids[1]]?.paper.authors.count == 5)
            // An empty list says nothing new about the authors (another source without them): they stay.
            #expect(stored[ids[2]]?.paper.authors.count == 5)
        }
    }

    @Test func aPaperFeaturedTwiceKeepsTheEarlierDayAndTheHigherCount() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured([try featured("2412.01981", day: "2024-12-05", upvotes: 30)], trending: .standard)
            try await store.saveFeatured([try featured("2412.01981", day: "2024-12-04", upvotes: 17)], trending: .standard)
            let f = try #require(try await store.paper(ArxivID(parsing: "2412.01981")!)?.featured)
            #expect(f.day.iso == "2024-12-04")
            #expect(f.upvotes == 30)
            #expect(try await store.count(FeedQuery()) == 1)
        }
    }

    @Test func neighboursSkipEmptyDays() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured([try featured("2412.00001", day: "2024-12-02"),
                                          try featured("2412.00002", day: "2024-12-06"),
                                          try featured("2412.00003", day: "2024-12-09")], trending: .standard)
            let d = try #require(CalendarDay(iso: "2024-12-06"))
            #expect(try await store.previousDay(before: d)?.iso == "2024-12-02")
            #expect(try await store.nextDay(after: d)?.iso == "2024-12-09")
            #expect(try await store.nextDay(after: try #require(CalendarDay(iso: "2024-12-09"))) == nil)
            #expect(try await store.latestDay()?.iso == "2024-12-09")
        }
    }

    @Test func sortsByUpvotesTrendingAndNewest() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured([
                try featured("2412.00001", day: "2024-12-04", upvotes: 5, at: "2024-12-04T09:00:00Z"),
                try featured("2412.00002", day: "2024-12-04", upvotes: 50, at: "2024-12-04T08:00:00Z"),
                try featured("2412.00003", day: "2024-12-04", upvotes: 1, comments: 20, at: "2024-12-04T10:00:00Z"),
            ], trending: .standard)
            let day = try FeedPeriod.parseDay("2024-12-04")
            func ids(_ sort: FeedSort) async throws -> [String] {
                try await store.featured(FeedQuery(period: day, sort: sort)).map(\.paper.id.base)
            }
            #expect(try await ids(.upvotes) == ["2412.00002", "2412.00001", "2412.00003"])
            #expect(try await ids(.newest) == ["2412.00003", "2412.00001", "2412.00002"])
            // 1 upvote + 2 x 20 comments = 41, two hours newer, beats 50 upvotes: two hours are worth
            // a factor 10^(7200/45000) = 1.45 in engagement. 5 upvotes, one hour newer, come last.
            #expect(try await ids(.trending) == ["2412.00003", "2412.00002", "2412.00001"])
        }
    }

    @Test func trendingListsLookOnlyAtTheWindowBeforeTheNewestPaper() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured([
                try featured("2412.00001", day: "2024-11-20", upvotes: 5000, at: "2024-11-20T09:00:00Z"),
                try featured("2412.00002", day: "2024-12-01", upvotes: 2, at: "2024-12-01T09:00:00Z"),
                try featured("2412.00003", day: "2024-12-04", upvotes: 1, at: "2024-12-04T09:00:00Z"),
            ], trending: .standard)
            // Over no period the window is the trending-window-days setting, never a hidden default.
            await #expect(throws: StoreError.self) { try await store.featured(FeedQuery(sort: .trending)) }
            let week = try await store.featured(FeedQuery(sort: .trending, trendingWindowDays: 7)).map(\.paper.id.base)
            #expect(week == ["2412.00003", "2412.00002"])
            let month = try await store.featured(FeedQuery(sort: .trending, trendingWindowDays: 30)).map(\.paper.id.base)
            // 5000 upvotes two weeks older: 10^(14 days / 12.5 h) is far more than 5000, so it still comes last.
            #expect(month == ["2412.00003", "2412.00002", "2412.00001"])
        }
    }

    @Test func periodsAndPagingAndSubmitterFilter() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured([
                try featured("2412.00001", day: "2024-12-02", upvotes: 3, by: "ada"),
                try featured("2412.00002", day: "2024-12-08", upvotes: 2, by: "alan"),
                try featured("2412.00003", day: "2024-12-09", upvotes: 1, by: "ada"),
            ], trending: .standard)
            #expect(try await store.count(FeedQuery(period: try FeedPeriod.parseWeek("2024-W49"))) == 2)
            #expect(try await store.count(FeedQuery(period: try FeedPeriod.parseMonth("2024-12"))) == 3)
            #expect(try await store.count(FeedQuery(submitter: "ada")) == 2)
            let page2 = try await store.featured(FeedQuery(sort: .upvotes, offset: 1, limit: 1))
            #expect(page2.map(\.paper.id.base) == ["2412.00002"])
        }
    }

    @Test func searchTreatsOperatorsAndQuotesAsText() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured([try featured("2412.00001", day: "2024-12-02", title: "100% accuracy with O'Brien's method"),
                                          try featured("2412.00002", day: "2024-12-02", title: "Nothing special")], trending: .standard)
            #expect(try await store.search("100%", limit: 10).map(\.paper.id.base) == ["2412.00001"])
            #expect(try await store.search("O'Brien's", limit: 10).count == 1)
            for hostile in ["%", "_", "'; DROP TABLE papers; --", "\"unbalanced", "(((", "NEAR(a b)", "title:x OR",
                            "AND", "*", "^x", "-x", String(repeating: "lorem ", count: 2000), "", "   ", "数学 ∑ émigré",
                            "the a of", ")", "x:*", "a <-> b", "!!", "\u{0}", "émigré*", "'"] {
                _ = try await store.search(hostile, limit: 10)
            }
            #expect(try await store.search("'; DROP TABLE papers; --", limit: 10).isEmpty)
            #expect(try await store.count(FeedQuery()) == 2)
        }
    }

    @Test func rankedSearchWeighsTitlesAndKnowsPhrasesPrefixesAndAuthors() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            var inAbstract = try featured("2412.00001", day: "2024-12-02", title: "A study of transformers")
            inAbstract.paper.abstract = "We apply diffusion to language models. Diffusion helps."
            let inTitle = try featured("2412.00002", day: "2024-12-01", title: "Diffusion language models")
            var byAuthor = try featured("2412.00003", day: "2024-12-03", title: "Something else")
            byAuthor.paper.authors = [Author(name: "Grace Hopper")]
            try await store.saveFeatured([inAbstract, inTitle, byAuthor], trending: .standard)
            #expect(try await store.search("diffusion", limit: 10).map(\.paper.id.base) == ["2412.00002", "2412.00001"])
            #expect(try await store.search("diffus*", limit: 10).count == 2)
            #expect(try await store.search("\"language models\"", limit: 10).count == 2)
            #expect(try await store.search("\"models language\"", limit: 10).isEmpty)
            #expect(try await store.search("hopper", limit: 10).map(\.paper.id.base) == ["2412.00003"])
            let hit = try #require(try await store.searchHits("helps", filters: SearchFilters(limit: 1)).first)
            #expect(hit.snippet.contains("\u{E000}helps\u{E001}"))
            // Re-saving a paper re-indexes it: the old title no longer matches.
            var renamed = inTitle
            renamed.paper.title = "Flow matching models"
            try await store.saveFeatured([renamed], trending: .standard)
            #expect(try await store.search("diffusion", limit: 10).map(\.paper.id.base) == ["2412.00001"])
        }
    }

    @Test func migrationsAreRecordedAndIdempotent() async throws {
        try await TestDatabase.with { t in
            let again = try await Migrator.migrate(t.database, logger: .init(label: "test"))
            #expect(again.isEmpty)
            #expect(try await Migrator.appliedNumbers(t.database) == Array(1...46))
        }
    }

    /// Migration 46 rebuilds the authors' and categories' tables (SQLite) or their key (PostgreSQL): papers stored
    /// before it keep every author and category, in order, and are still found by author and category.
    @Test func papersStoredBeforeTheirRowsWereKeptTogetherKeepThem() async throws {
        if TestDatabase.isPostgres { return }  // Each PostgreSQL test schema is migrated whole; the rewrite is SQLite's.
        let folder = NSTemporaryDirectory() + "dailypapers-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let location: DatabaseLocation = .sqliteFile(path: folder + "/before.sqlite")
        let db = try await Database.open(location, logger: .init(label: "test"))
        do {
            try await Migrator.migrate(db, logger: .init(label: "test"), migrations: Migrations.all.filter { $0.number < 46 })
            let store = PaperStore(database: db)
            var papers: [FeaturedPaper] = []
            for i in 1...3 {
                var f = try featured("2412.0000\(i)", day: "2024-12-0\(i)", title: "Paper number \(i)")
                f.paper.authors = (1...(i * 3)).map { Author(name: "Author \(i)-\($0)") }
                f.paper.categories = ["cs.LG", "cs.CL", "stat.ML"].shuffled()
                papers.append(f)
            }
            try await store.saveFeatured(papers, trending: .standard)
            #expect(try await Migrator.migrate(db, logger: .init(label: "test")) == [46])
            for f in papers {
                let stored = try #require(try await store.paper(f.paper.id)?.paper)
                #expect(stored.authors.map(\.name) == f.paper.authors.map(\.name))
                #expect(stored.categories == f.paper.categories)
            }
            #expect(try await store.searchHits("author", filters: SearchFilters(category: "stat.ML", limit: 10)).count == 3)
            let tables = try await db.read { sql in
                try await sql.raw("SELECT sql FROM sqlite_master WHERE name IN ('paper_authors', 'paper_categories')").all()
                    .map { try $0.decode(column: "sql", as: String.self) }
            }
            #expect(tables.count == 2 && tables.allSatisfy { $0.hasSuffix("WITHOUT ROWID") })
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }

    /// A migration may outlast the statement timeout (an index built over millions of papers would), and
    /// requests are held to it again after the migration.
    @Test func aMigrationMayOutlastTheStatementTimeout() async throws {
        guard TestDatabase.isPostgres else { return }  // SQLite has no statement timeout.
        try await TestDatabase.with { t in
            guard case .postgres(var settings) = t.database.location else { return }
            settings.statementTimeoutMilliseconds = 200
            let short = try await Database.open(.postgres(settings), logger: .init(label: "test"))
            let slow = Migration(number: 1000, name: "slow", why: "a test", statements: ["SELECT pg_sleep(0.5)"])
            func sleepAsARequest() async throws { try await short.write { db in try await db.raw("SELECT pg_sleep(0.5)").run() } }
            do {
                await #expect(throws: (any Error).self) { try await sleepAsARequest() }
                #expect(try await Migrator.migrate(short, logger: .init(label: "test"), migrations: Migrations.all + [slow]) == [1000])
                await #expect(throws: (any Error).self) { try await sleepAsARequest() }
            } catch {
                await short.close()
                throw error
            }
            await short.close()
        }
    }

    @Test func databaseLocationParsing() throws {
        #expect(try DatabaseLocation(parsing: "./x.sqlite") == .sqliteFile(path: "./x.sqlite"))
        #expect(try DatabaseLocation(parsing: "sqlite:///var/lib/dp.sqlite") == .sqliteFile(path: "/var/lib/dp.sqlite"))
        #expect(throws: ConfigurationError.self) { try DatabaseLocation(parsing: "mysql://x") }
        #expect(throws: ConfigurationError.self) { try DatabaseLocation(parsing: "") }

        var expected = PostgresSettings(host: "db.example", port: 6432, username: "dp", password: "p@ss/word", database: "papers")
        expected.tls = .verifyFull
        expected.statementTimeoutMilliseconds = 5000
        expected.poolSize = 30
        #expect(try DatabaseLocation(parsing: "postgres://dp:p%40ss%2Fword@db.example:6432/papers?sslmode=verify-full&statement_timeout=5000&pool_size=30")
                == .postgres(expected))
        // The password never reaches a log line.
        #expect(DatabaseLocation.postgres(expected).description == "postgres://dp:***@db.example:6432/papers?sslmode=verify-full")
        let defaults = try DatabaseLocation(parsing: "postgresql://localhost/papers")
        #expect(defaults == .postgres(PostgresSettings(host: "localhost", username: "postgres", password: nil, database: "papers")))
        for (bad, says) in [("postgres://localhost", "names no database"), ("postgres://h/db?sslmode=maybe", "sslmode 'maybe'"),
                            ("postgres://h/db?pool_size=0", "pool_size"), ("postgres://h/db?statement_timeout=soon", "statement_timeout"),
                            ("postgres://h/db?schema=a;drop", "schema"), ("postgres://h/db?color=red", "unknown parameter 'color'")] {
            do { _ = try DatabaseLocation(parsing: bad); Issue.record("\(bad) was accepted") } catch {
                #expect(error.description.contains(says), "\(bad): \(error.description)")
            }
        }
    }

    @Test func aDatabaseThatCannotBeReachedIsNamedWithTheReason() async throws {
        // Nothing listens on port 1 of loopback: start-up must stop with the address and the reason.
        let location = try DatabaseLocation(parsing: "postgres://dp:secret@127.0.0.1:1/papers?sslmode=disable")
        do {
            _ = try await Database.open(location, logger: .init(label: "test"))
            Issue.record("opened a database on port 1")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("127.0.0.1:1/papers"))
            #expect(!error.description.contains("secret"))
        }
    }
}

@Suite struct BackupTests {
    @Test(.disabled(if: TestDatabase.isPostgres, "VACUUM INTO is SQLite's; PostgreSQL is backed up with pg_dump"))
    func backupIsAConsistentCopyAndRefusesToOverwrite() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let paper = Paper(id: ArxivID(parsing: "2412.01981")!, title: "T", abstract: "A")
            try await store.saveFeatured([FeaturedPaper(paper: paper, day: CalendarDay(iso: "2024-12-04")!,
                                                        submittedAt: Timestamp(millisecondsSince1970: 0), upvotes: 3)], trending: .standard)
            let copy = t.folder + "/copy.sqlite"
            try await t.database.backup(to: copy)
            let restored = try await Database.open(.sqliteFile(path: copy), logger: .init(label: "test"))
            #expect(try await PaperStore(database: restored).paper(ArxivID(parsing: "2412.01981")!)?.featured?.upvotes == 3)
            await restored.close()
            await #expect(throws: ConfigurationError.self) { try await t.database.backup(to: copy) }
        }
    }
}
