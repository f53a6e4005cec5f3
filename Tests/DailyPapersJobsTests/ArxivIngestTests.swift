import DailyPapersCore
import DailyPapersIngest
import DailyPapersJobs
import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import Logging
import Testing

@Suite struct ArxivClientTests {
    func client(interval: Duration = .milliseconds(1), attempts: Int = 3) -> PoliteHTTPClient {
        var policy = PoliteHTTPClient.Policy()
        policy.minimumInterval = interval
        policy.maxAttempts = attempts
        policy.initialBackoff = .milliseconds(20)
        policy.timeout = .seconds(5)
        return PoliteHTTPClient(userAgent: "DailyPapers/test (mailto:test@example.org)", policy: policy, logger: Logger(label: "test"))
    }

    @Test func fetchesByIDsSpacingRequestsAndNamingItself() async throws {
        let fake = FakeArxiv()
        fake.answer("/api/query", [(200, try FakeArxiv.recordedBody("arxiv/api-id-1605.08386.json"))])
        try await fake.run { base in
            var endpoints = ArxivEndpoints()
            endpoints.api = base + "/api/query"
            let api = ArxivAPIClient(http: client(interval: .milliseconds(300)), endpoints: endpoints)
            for _ in 0..<3 {
                let papers = try await api.papers(ids: [ArxivID(parsing: "1605.08386")!])
                #expect(papers.map(\.id.base) == ["1605.08386"])
            }
        }
        let seen = fake.seen
        #expect(seen.count == 3)
        #expect(seen[0].query["id_list"] == "1605.08386")
        #expect(seen.allSatisfy { $0.userAgent == "DailyPapers/test (mailto:test@example.org)" })
        for (a, b) in zip(seen, seen.dropFirst()) {
            #expect(a.at.duration(to: b.at) >= .milliseconds(290), "requests closer than the minimum interval")
        }
    }

    @Test func retries5xxAndReportsTheAPIErrorFeed() async throws {
        let fake = FakeArxiv()
        fake.answer("/api/query", [(503, "busy"), (502, "bad gateway"), (400, try FakeArxiv.recordedBody("arxiv/api-error-id-abc.json"))])
        try await fake.run { base in
            var endpoints = ArxivEndpoints()
            endpoints.api = base + "/api/query"
            let api = ArxivAPIClient(http: client(), endpoints: endpoints)
            await #expect {
                try await api.search("abc")
            } throws: { error in
                ((error as? IngestError)?.message ?? "").contains("arXiv API error: incorrect id format for abc")
            }
        }
        #expect(fake.seen.count == 3)
    }

    @Test func givesUpAfterTheLastAttempt() async throws {
        let fake = FakeArxiv()
        fake.answer("/api/query", [(500, "down")])
        try await fake.run { base in
            var endpoints = ArxivEndpoints()
            endpoints.api = base + "/api/query"
            await #expect { try await ArxivAPIClient(http: client(attempts: 2), endpoints: endpoints).search("x") } throws: {
                "\($0)".contains("HTTP 500 after 2 attempts")
            }
        }
        #expect(fake.seen.count == 2)
    }

    @Test func setSpecs() {
        #expect(OAIPMHClient.setSpec(forCategory: "cs.LG") == "cs:cs:LG")
        #expect(OAIPMHClient.setSpec(forCategory: "quant-ph") == "physics:quant-ph")
        #expect(OAIPMHClient.setSpec(forCategory: "cs:cs:CL") == "cs:cs:CL")
    }
}

@Suite struct ArxivIngestJobTests {
    func http() -> PoliteHTTPClient {
        var policy = PoliteHTTPClient.Policy()
        policy.minimumInterval = .milliseconds(1)
        policy.maxAttempts = 1
        return PoliteHTTPClient(userAgent: "test", policy: policy, logger: Logger(label: "test"))
    }

    @Test func oaiHarvestFollowsTokensAndResumesAfterAFailure() async throws {
        let page1 = try String(contentsOfFile: Fixtures.path("arxiv/oai-arXivRaw-excerpt.xml"), encoding: .utf8)
            .replacingOccurrences(of: "496549|96001", with: "tok-2")
        let page2 = try String(contentsOfFile: Fixtures.path("arxiv/oai-arXiv-getrecord.xml"), encoding: .utf8)
        try await TestDatabase.with { t in
            let fake = FakeArxiv()
            fake.answer("/oai", [(200, page1), (500, "down")])
            try await fake.run { base in
                var endpoints = ArxivEndpoints()
                endpoints.oai = base + "/oai"
                let job = ArxivIngest(database: t.database, http: http(), endpoints: endpoints, logger: Logger(label: "test"))
                await #expect(throws: (any Error).self) { try await job.run(.init(categories: ["cs.LG"], via: .oai, trending: .standard)) }
            }
            // The first page is saved with the token that continues it.
            let source = "oai:arXiv:cs:cs:LG"
            #expect(try await HarvestStore(database: t.database).state(source).resumptionToken == "tok-2")
            #expect(try await PaperStore(database: t.database).paper(ArxivID(parsing: "0811.36489")!) != nil)

            let again = FakeArxiv()
            again.answer("/oai", [(200, page2)])
            try await again.run { base in
                var endpoints = ArxivEndpoints()
                endpoints.oai = base + "/oai"
                let job = ArxivIngest(database: t.database, http: http(), endpoints: endpoints, logger: Logger(label: "test"))
                let report = try await job.run(.init(categories: ["cs.LG"], via: .oai, trending: .standard))
                #expect(report.papers == 1)
            }
            #expect(again.seen.first?.query["resumptionToken"] == "tok-2")
            #expect(again.seen.first?.query["metadataPrefix"] == nil)
            let state = try await HarvestStore(database: t.database).state(source)
            #expect(state.resumptionToken == nil)
            #expect(state.lastDatestamp == "2018-01-25")
            #expect(try await PaperStore(database: t.database).paper(ArxivID(parsing: "1401.2122")!) != nil)
        }
    }

    @Test func listingIngestThenAutomaticFeaturingWithinTheDailyMaximum() async throws {
        let rss = try String(contentsOfFile: Fixtures.path("arxiv/listing-rss-quant-ph.xml"), encoding: .utf8)
        try await TestDatabase.with { t in
            let fake = FakeArxiv()
            fake.answer("/rss/quant-ph", [(200, rss)])
            let now = try #require(Timestamp(iso8601: "2025-04-28T12:00:00Z"))
            let rules = AutoFeatureRules(categories: ["quant-ph"], keywords: ["quantum"], dailyMaximum: 5)
            try await fake.run { base in
                var endpoints = ArxivEndpoints()
                endpoints.listing = base
                let job = ArxivIngest(database: t.database, http: http(), endpoints: endpoints, logger: Logger(label: "test"))
                let report = try await job.run(.init(categories: ["quant-ph"], via: .listing, autoFeature: rules, trending: .standard), now: now)
                #expect(report.papers == 81)
                #expect(report.succeeded)
                _ = try await job.run(.init(categories: ["quant-ph"], via: .listing, autoFeature: rules, trending: .standard), now: now)
            }
            let store = PaperStore(database: t.database)
            let featured = try await store.featured(FeedQuery(period: .day(CalendarDay(iso: "2025-04-28")!)))
            #expect(featured.count == 5)
            #expect(featured.allSatisfy { $0.submittedBy?.username == "dailypapers-auto" })
            #expect(featured.allSatisfy { ($0.paper.title + $0.paper.abstract).lowercased().contains("quantum") })
            // Seen twice in the same day's listing: still one paper each.
            let papers = try await t.database.read { try await $0.raw("SELECT COUNT(*) AS n FROM papers").first()!.decode(column: "n", as: Int.self) }
            #expect(papers == 81)
        }
    }

    @Test func scheduleFollowsArxivAnnouncementsInEasternTime() throws {
        let s = IngestSchedule.arxivAnnouncements
        let iso = ISO8601DateFormatter()
        // Friday noon UTC -> Sunday 20:00 EST (UTC-5).
        #expect(iso.string(from: s.nextRun(after: iso.date(from: "2026-11-27T12:00:00Z")!)) == "2026-11-30T01:00:00Z")
        // Thursday 19:59 EDT -> the same evening, 20:00 EDT (UTC-4).
        #expect(iso.string(from: s.nextRun(after: iso.date(from: "2026-07-23T23:59:00Z")!)) == "2026-07-24T00:00:00Z")
        // Thursday 20:00 exactly has run -> Sunday.
        #expect(iso.string(from: s.nextRun(after: iso.date(from: "2026-07-24T00:00:00Z")!)) == "2026-07-27T00:00:00Z")
    }
}

@Suite struct ArxivFileImportTests {
    @Test func jsonlStreamsGzipAndNamesBadLines() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let gz = try await ArxivJSONLImport(store: store, batchSize: 7).run(path: Fixtures.path("arxiv/corpus-excerpt.jsonl.gz"))
            #expect(gz.papers == 40)
            #expect(gz.succeeded)
            let kaggle = try await ArxivJSONLImport(store: store).run(path: Fixtures.path("arxiv/kaggle-snapshot-sample.jsonl"))
            #expect(kaggle.papers == 3)
            #expect(kaggle.problems.map(\.record) == ["line 4", "line 5", "line 6"])
            // A paper seen again in a new version: new metadata, first-version date kept.
            let p = try #require(try await store.paper(ArxivID(parsing: "1605.08386")!)?.paper)
            #expect(p.id.version == 2)
            #expect(p.categories == ["math.CO", "math.ST", "math.PR"])
            #expect(p.firstVersionAt?.iso8601 == "2016-05-26T17:59:46.000Z")
            #expect(p.latestVersionAt?.iso8601 == "2016-06-14T08:00:00.000Z")
            #expect(p.comment == "20 pages, 3 figures; v2: revised")
        }
    }

    /// A bulk import writes new papers' rows on the connection directly (SQLite statements, PostgreSQL's COPY), made
    /// before the write: they are the rows the upserts write for the same records (each value, and on SQLite its
    /// type; `created_at` is the time of the write).
    @Test func importedRowsAreTheRowsTheUpsertsWrite() async throws {
        let file = Fixtures.path("arxiv/corpus-excerpt.jsonl.gz")
        let reader = try LineReader(path: file)
        var papers: [Paper] = []
        while let line = try reader.next() { papers.append(try ArxivJSONLReader.paper(fromLine: line)) }
        func rows(_ t: TestDatabase) async throws -> [String] {
            try await t.database.read { db in
                var out: [String] = []
                for (table, order) in [("papers", "arxiv_id"), ("paper_authors", "paper_id, position"), ("paper_categories", "paper_id, category")] {
                    let postgres = TestDatabase.isPostgres
                    let columns = try await db.raw(postgres
                        ? "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(bind: table) ORDER BY ordinal_position"
                        : "SELECT name FROM pragma_table_info(\(bind: table))").all()
                        .map { try $0.decode(column: "name", as: String.self) }.filter { $0 != "created_at" }
                    let quoted = columns.map { postgres ? "quote_nullable(\($0))" : "quote(\($0))" }.joined(separator: " || '|' || ")
                    out += try await db.raw("SELECT \(unsafeRaw: quoted) AS r FROM \(unsafeRaw: table) ORDER BY \(unsafeRaw: order)").all()
                        .map { table + ": " + (try $0.decode(column: "r", as: String.self)) }
                }
                return out
            }
        }
        let imported = try await TestDatabase.with { t in
            _ = try await ArxivJSONLImport(store: PaperStore(database: t.database), batchSize: 9).run(path: file)
            return try await rows(t)
        }
        let upserted = try await TestDatabase.with { t in
            try await PaperStore(database: t.database).savePapers(papers, indexSimilarity: false)
            return try await rows(t)
        }
        #expect(imported.count > 40 * 3)
        #expect(imported == upserted)
    }

    static func firstID(_ file: String) throws -> String {
        let reader = try LineReader(path: file)
        let line = try #require(try reader.next())
        return try ArxivJSONLReader.paper(fromLine: line).id.base
    }

    /// Batches of 7 leave a short last batch; of 8 the file ends right after a full one.
    @Test(arguments: [7, 8])
    func anImportChoosesKeywordsForEveryPaperAgainstItsWholeChunk(batchSize: Int) async throws {
        try await TestDatabase.with { t in
            let file = Fixtures.path("arxiv/corpus-excerpt.jsonl.gz")
            let store = PaperStore(database: t.database)
            // 40 papers in small batches: keywords are left out of the batches and chosen a chunk at a time, each
            // paper weighed against all 40 (one chunk), as a rebuild over the whole corpus weighs them.
            let report = try await ArxivJSONLImport(store: store, batchSize: batchSize).run(path: file)
            #expect(report.papers == 40 && report.succeeded)
            #expect(!(try await store.hasPapersWithoutTerms()))
            let chosen = try await t.paperKeywords()
            #expect(chosen.count == 40 && chosen.values.filter(\.isEmpty).isEmpty)
            let documents = try await t.database.read { db in
                try await db.raw("SELECT value FROM site_state WHERE key = 'indexed_papers'").first()!.decode(column: "value", as: Int.self)
            }
            #expect(documents == 40)
            #expect(try await store.rebuildSimilarity() == 40)
            #expect(try await t.paperKeywords() == chosen)
            // Run again, nothing is counted twice.
            _ = try await ArxivJSONLImport(store: store, batchSize: batchSize).run(path: file)
            #expect(try await t.paperKeywords() == chosen)
            let id = try #require(ArxivID(parsing: try Self.firstID(file)))
            #expect(!(try await store.similar(to: id, limit: 5)).isEmpty)
        }
    }

    /// A file that lists a paper twice within one chunk of keywords: the paper is counted and given keywords once
    /// (PostgreSQL writes a chunk's keyword rows in one statement, which refuses a paper twice).
    @Test func aPaperListedTwiceIsWeighedOnce() async throws {
        let plain = Fixtures.path("arxiv/corpus-excerpt.jsonl")
        let lines = try String(contentsOfFile: plain, encoding: .utf8).split(separator: "\n")
        let twice = FileManager.default.temporaryDirectory.appendingPathComponent("twice-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: twice) }
        try (lines + [lines[0]]).joined(separator: "\n").write(toFile: twice, atomically: true, encoding: .utf8)
        func imported(_ file: String) async throws -> (keywords: [String: String], counts: [String]) {
            try await TestDatabase.with { t in
                let report = try await ArxivJSONLImport(store: PaperStore(database: t.database), batchSize: 9).run(path: file)
                #expect(report.succeeded)
                let counts: [String] = try await t.database.read { db in
                    var out: [String] = []
                    for row in try await db.raw("SELECT term, df FROM term_df ORDER BY term").all() {
                        out.append("\(try row.decode(column: "term", as: String.self)) \(try row.decode(column: "df", as: Int.self))")
                    }
                    return out
                }
                return (try await t.paperKeywords(), counts)
            }
        }
        let once = try await imported(plain), again = try await imported(twice)
        #expect(once.keywords.count == 40 && !once.counts.isEmpty)
        #expect(again.keywords == once.keywords)
        #expect(again.counts == once.counts)
    }

    @Test func anInterruptedImportCompletesWhenRunAgain() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let first = try await ArxivJSONLImport(store: store, batchSize: 10).run(path: Fixtures.path("arxiv/corpus-excerpt.jsonl"), limit: 15)
            #expect(first.papers == 15)
            let again = try await ArxivJSONLImport(store: store, batchSize: 10).run(path: Fixtures.path("arxiv/corpus-excerpt.jsonl"))
            #expect(again.papers == 40)
            let n = try await t.database.read { try await $0.raw("SELECT COUNT(*) AS n FROM papers").first()!.decode(column: "n", as: Int.self) }
            #expect(n == 40)
        }
    }

    /// An import's papers are found by every form of search as soon as their batch is saved (one index serves
    /// them all): by words, by a prefix, with a filter, sorted by date.
    /// An import into a database without papers builds the title and author-name indexes at its end; one killed
    /// before (the indexes dropped) leaves them to the next migration run, which builds what is missing.
    @Test func indexesLeftToAnImportsEndAreThereAfterItAndAfterAKill() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            func indexes() async throws -> Set<String> {
                try await t.database.read { db in
                    let rows = db.isPostgres
                        ? try await db.raw("SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()").all()
                        : try await db.raw("SELECT name FROM sqlite_master WHERE type = 'index'").all()
                    return Set(try rows.map { try $0.decode(column: "name", as: String.self) })
                }
            }
            // On PostgreSQL the foreign keys to papers too (SQLite's are kept: a lookup there is cheap).
            func foreignKeys() async throws -> Set<String> {
                guard TestDatabase.isPostgres else { return [] }
                return try await t.database.read { db in
                    Set(try await db.raw("""
                        SELECT c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                        WHERE n.nspname = current_schema() AND c.contype = 'f' AND c.confrelid = 'papers'::regclass
                        """).all().map { try $0.decode(column: "conname", as: String.self) })
                }
            }
            let wanted: Set<String> = ["papers_title_lower", "paper_authors_name"]
            let keys: Set<String> = TestDatabase.isPostgres
                ? ["paper_authors_paper_id_fkey", "paper_categories_paper_id_fkey", "search_documents_paper_id_fkey", "paper_keywords_paper_id_fkey"]
                : []
            #expect(try await foreignKeys().isSuperset(of: keys))
            #expect(try await store.deferIndexesIfEmpty())
            #expect(try await indexes().isDisjoint(with: wanted))
            #expect(try await foreignKeys().isDisjoint(with: keys))
            // "Killed" here: the next start's migrations build them.
            try await Migrator.migrate(t.database, logger: Logger(label: "test"))
            #expect(try await indexes().isSuperset(of: wanted))
            #expect(try await foreignKeys().isSuperset(of: keys))
            // An import that drops them builds them at its end. A paper deleted while the keys were away (here
            // between an import's batches) left its rows behind, nothing cascading: they go when the keys come back.
            #expect(try await store.deferIndexesIfEmpty())
            let reader = try LineReader(path: Fixtures.path("arxiv/corpus-excerpt.jsonl.gz"))
            var papers: [Paper] = []
            while let line = try reader.next() { papers.append(try ArxivJSONLReader.paper(fromLine: line)) }
            var analyzer = SearchAnalyzer()
            try await store.savePapers(PaperBatch(Array(papers.prefix(10)), analyzer: &analyzer, forBulkImport: true), indexSimilarity: false)
            let gone = papers[0].id.base
            try await t.database.write { db in try await db.raw("DELETE FROM papers WHERE arxiv_id = \(bind: gone)").run() }
            try await store.buildDeferredIndexes()
            #expect(try await indexes().isSuperset(of: wanted))
            #expect(try await foreignKeys().isSuperset(of: keys))
            let orphans = try await t.database.read { db in
                try await db.raw("SELECT count(*) AS n FROM paper_authors a WHERE NOT EXISTS (SELECT 1 FROM papers p WHERE p.arxiv_id = a.paper_id)")
                    .first()!.decode(column: "n", as: Int.self)
            }
            #expect(orphans == 0)
            _ = try await ArxivJSONLImport(store: store, batchSize: 7).run(path: Fixtures.path("arxiv/corpus-excerpt.jsonl.gz"))
            // With papers stored, nothing is dropped.
            #expect(try await !store.deferIndexesIfEmpty())
            #expect(try await indexes().isSuperset(of: wanted))
            #expect(try await foreignKeys().isSuperset(of: keys))
            // The keys cascade again: a paper deleted takes its rows along.
            let id = try await t.database.read { db in try await db.raw("SELECT paper_id FROM paper_authors LIMIT 1").first()!.decode(column: "paper_id", as: String.self) }
            try await t.database.write { db in try await db.raw("DELETE FROM papers WHERE arxiv_id = \(bind: id)").run() }
            let left = try await t.database.read { db in
                try await db.raw("SELECT count(*) AS n FROM search_documents WHERE paper_id = \(bind: id)").first()!.decode(column: "n", as: Int.self)
            }
            #expect(left == 0)
        }
    }

    @Test func anImportsPapersAreFoundByEveryFormOfSearchAtOnce() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let file = Fixtures.path("arxiv/corpus-excerpt.jsonl.gz")
            let reader = try LineReader(path: file)
            var papers: [Paper] = []
            while let line = try reader.next() { papers.append(try ArxivJSONLReader.paper(fromLine: line)) }
            let target = papers[0]
            let word = try #require(target.title.split(whereSeparator: { !$0.isLetter }).map(String.init).max(by: { $0.count < $1.count }))
            // Saved as an import's batches are, then "killed" before its end.
            var analyzer = SearchAnalyzer()
            try await store.savePapers(PaperBatch(Array(papers.prefix(20)), analyzer: &analyzer, forBulkImport: true), indexSimilarity: false)
            for (text, filters) in [(word, SearchFilters()), (String(word.prefix(5)) + "*", SearchFilters(limit: 40)),
                                    (word, SearchFilters(category: target.categories.first)), (word, SearchFilters(sort: .newest))] {
                #expect(try await store.searchHits(text, filters: filters).contains { $0.paper.id.base == target.id.base }, "\(text) \(filters.key)")
            }
        }
    }

    @Test func aTruncatedGzipIsReportedAndWholeBatchesKept() async throws {
        try await TestDatabase.with { t in
            let full = try Fixtures.data("arxiv/corpus-excerpt.jsonl.gz")
            let cut = t.folder + "/cut.jsonl.gz"
            try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: cut))
            let report = try await ArxivJSONLImport(store: PaperStore(database: t.database), batchSize: 5).run(path: cut)
            #expect(report.problems.count == 1)
            #expect(report.problems.first?.reason.contains("truncated") == true)
            #expect(report.papers > 0 && report.papers < 40)
        }
    }

    @Test func atomAndOAIFiles() async throws {
        try await TestDatabase.with { t in
            let job = ArxivFileImport(store: PaperStore(database: t.database))
            let atom = try await job.run(paths: [Fixtures.path("arxiv/api-id-1605.08386.json"), Fixtures.path("arxiv/api-error-id-abc.json")], format: .atom)
            #expect(atom.papers == 1)
            #expect(atom.problems.map(\.reason) == ["arXiv API error: incorrect id format for abc"])
            let oai = try await job.run(paths: [Fixtures.path("arxiv/oai-arXivRaw-excerpt.xml"), t.folder + "/missing.xml",
                                                 Fixtures.path("arxiv/listing-rss-quant-ph.xml")], format: .oai)
            #expect(oai.papers == 25)
            #expect(oai.problems.count == 2)
            #expect(oai.problems[1].reason.contains("expected an <OAI-PMH> document"))
        }
    }

    /// A listing saved from rss.arxiv.org in today's Atom format (ids `oai:arXiv.org:2508.14001v1`) is imported by
    /// `import arxiv-listing`, and by `import arxiv-atom`, which sees what it is; the RSS listing too.
    @Test func savedListingFeedsInAtomAndRSS() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let job = ArxivFileImport(store: store)
            let atom = try await job.run(paths: [Fixtures.path("arxiv/listing-atom-cs-LG.xml")], format: .atom)
            #expect(atom.papers == 3 && atom.problems.isEmpty)
            let paper = try #require(try await store.paper(ArxivID(parsing: "2508.14001")!)).paper
            #expect(paper.title == "A Listing Entry That Is New Today" && paper.categories == ["cs.LG", "cs.AI"])
            #expect(paper.authors.map(\.name) == ["Ada Lovelace", "Charles Babbage"])
            #expect(paper.abstract == "We describe a method that is new on the listing of this day.")
            let replaced = try #require(try await store.paper(ArxivID(parsing: "2401.00420")!)).paper
            #expect(replaced.id.version == 3 && replaced.doi == "10.1234/example.2025")
            let listing = try await job.run(paths: [Fixtures.path("arxiv/listing-atom-cs-LG.xml"), Fixtures.path("arxiv/listing-rss-quant-ph.xml")],
                                            format: .listing)
            #expect(listing.papers > 3 && listing.problems.isEmpty)
            // What it still refuses: an API response named as a listing.
            let wrong = try await job.run(paths: [Fixtures.path("arxiv/oai-arXiv-getrecord.xml")], format: .listing)
            #expect(wrong.papers == 0 && wrong.problems.count == 1)
        }
    }
}
