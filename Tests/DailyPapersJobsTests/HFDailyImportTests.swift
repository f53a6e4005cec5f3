import DailyPapersCore
import DailyPapersJobs
import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import SQLKit
import Testing

@Suite struct HFDailyImportTests {
    @Test func importsGoodFilesAndNamesEachBadOne() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let summary = try await HFDailyImport(store: store, trending: .standard).run(paths: [Fixtures.path("hf-daily")])
            #expect(summary.files == 5)
            #expect(summary.importedFiles == 2)
            #expect(summary.papers == 15 + 5)
            let failed = Set(summary.failures.map { ($0.file as NSString).lastPathComponent })
            #expect(failed == ["2024-12-11.json", "2025-01-10.json", "truncated-2024-04-04.json"])
            #expect(!summary.succeeded)
            #expect(try await store.count(FeedQuery()) == 20)
            #expect(try await store.count(FeedQuery(period: try FeedPeriod.parseDay("2024-04-04"))) == 0)
        }
    }

    /// Scores are stored with the site's trending settings: a re-import must not reset them to the standard ones.
    @Test func scoresAreComputedWithTheConfiguredTrendingSettings() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let own = Trending(commentWeight: 50, gravitySeconds: 3_600, windowDays: 3)
            _ = try await HFDailyImport(store: store, trending: own).run(paths: [Fixtures.path("hf-daily/2024-12-04.json")])
            let papers = try await store.featured(FeedQuery(period: try FeedPeriod.parseDay("2024-12-04")))
            #expect(!papers.isEmpty)
            for p in papers {
                let expected = own.score(upvotes: p.upvotes, comments: p.numComments, submittedAt: p.submittedAt)
                #expect(abs(p.trendingScore - expected) <= abs(expected) * 1e-9)
                #expect(p.numComments == 0 || expected != Trending.standard.score(upvotes: p.upvotes, comments: p.numComments,
                                                                                    submittedAt: p.submittedAt))
            }
        }
    }

    @Test func importingTwiceChangesNothing() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let job = HFDailyImport(store: store, trending: .standard)
            _ = try await job.run(paths: [Fixtures.path("hf-daily")])
            let before = try await dump(t.database)
            let again = try await job.run(paths: [Fixtures.path("hf-daily")])
            #expect(again.importedFiles == 2)
            #expect(try await dump(t.database) == before)
        }
    }

    @Test func aBadItemRejectsItsWholeFile() async throws {
        try await TestDatabase.with { t in
            var items = try JSONSerialization.jsonObject(with: try Fixtures.data("hf-daily/2024-12-04.json")) as! [[String: Any]]
            var paper = items[5]["paper"] as! [String: Any]
            paper["id"] = "garbage"
            items[5]["paper"] = paper
            let file = t.folder + "/2024-12-04.json"
            try JSONSerialization.data(withJSONObject: items).write(to: URL(fileURLWithPath: file))
            let store = PaperStore(database: t.database)
            let summary = try await HFDailyImport(store: store, trending: .standard).run(paths: [file, t.folder + "/missing.json"])
            #expect(summary.failures.count == 2)
            #expect(summary.failures[0].reason == "no such file or folder")
            #expect(summary.failures[1].reason.contains("item 6: paper.id 'garbage' is not an arXiv id"))
            #expect(try await store.count(FeedQuery()) == 0)
            let papers = try await t.database.read { try await $0.raw("SELECT COUNT(*) AS n FROM papers").first()!.decode(column: "n", as: Int.self) }
            #expect(papers == 0)
        }
    }

    @Test func demoDataLoadsTheSeedPagePapers() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let summary = try await DemoData.load(into: store, trending: .standard)
            #expect(summary.succeeded)
            #expect(summary.importedFiles == 11)
            for id in ["2311.15657", "2507.19247", "2412.01981", "2108.13097"] {
                let record = try #require(try await store.paper(ArxivID(parsing: id)!))
                #expect(record.featured?.day.iso == "2025-09-12")
            }
            #expect(try await store.latestDay()?.iso == "2026-08-21")
        }
    }

    /// Every content table, row by row, as text: equal dumps mean equal data.
    func dump(_ db: Database) async throws -> [String] {
        var out: [String] = []
        for (table, order) in [("users", "username"), ("papers", "arxiv_id"), ("paper_authors", "paper_id, position"),
                               ("paper_categories", "paper_id, position"), ("featured", "paper_id")] {
            let rows = try await db.read { try await $0.raw("SELECT * FROM \(unsafeRaw: table) ORDER BY \(unsafeRaw: order)").all() }
            for row in rows {
                out.append(table + ": " + row.allColumns.map { c in "\(c)=\(text(row, c))" }.joined(separator: "|"))
            }
        }
        return out
    }

    func text(_ row: any SQLRow, _ column: String) -> String {
        if (try? row.decodeNil(column: column)) == true { return "NULL" }
        if let i = try? row.decode(column: column, as: Int64.self) { return "\(i)" }
        if let d = try? row.decode(column: column, as: Double.self) { return "\(d)" }
        if let s = try? row.decode(column: column, as: String.self) { return s }
        return "?"
    }
}
