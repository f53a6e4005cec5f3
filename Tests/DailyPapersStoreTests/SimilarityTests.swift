import DailyPapersCore
import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import Testing

@Suite struct SimilarityTests {
    static func paper(_ id: String, _ title: String, _ abstract: String, keywords: [String] = []) -> FeaturedPaper {
        FeaturedPaper(paper: Paper(id: ArxivID(parsing: id)!, title: title, abstract: abstract, aiKeywords: keywords),
                      day: CalendarDay(iso: "2026-11-20")!, submittedAt: .now)
    }

    static let corpus = [
        paper("2611.00001", "Video diffusion models for long video generation", "We train latent video diffusion models that generate minute-long videos with temporal attention."),
        paper("2611.00002", "Temporal attention in latent video diffusion", "Latent video diffusion with temporal attention layers improves long video generation."),
        paper("2611.00003", "Protein folding with graph neural networks", "Graph neural networks predict protein structures from residue contact graphs."),
        paper("2611.00004", "Reinforcement learning for robot grasping", "A robot learns grasping policies with reinforcement learning in simulation."),
        paper("2611.00005", "Graph neural networks for molecules", "Message passing graph neural networks predict molecular properties.", keywords: ["given keyword"]),
    ]

    @Test func nearestPapersShareTheirDistinctiveWords() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured(Self.corpus, trending: .standard)
            let video = try await store.similar(to: ArxivID(parsing: "2611.00001")!, limit: 3)
            #expect(video.first?.record.paper.id.base == "2611.00002")
            #expect(video.allSatisfy { $0.score > 0 && $0.score <= 1.000001 })
            #expect(!video.map(\.record.paper.id.base).contains("2611.00001"))
            let protein = try await store.similar(to: ArxivID(parsing: "2611.00003")!, limit: 3)
            #expect(protein.first?.record.paper.id.base == "2611.00005")
            // Each finds the other first.
            #expect(try await store.similar(to: ArxivID(parsing: "2611.00002")!, limit: 1).first?.record.paper.id.base == "2611.00001")
            // A paper sharing no word has no neighbours rather than random ones.
            try await store.saveFeatured([Self.paper("2611.00009", "Quasar spectra", "Redshift surveys of quasars.")], trending: .standard)
            #expect(try await store.similar(to: ArxivID(parsing: "2611.00009")!).isEmpty)
        }
    }

    @Test func aNewPaperHasNeighboursAndIsOneAsSoonAsItIsSaved() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured(Self.corpus, trending: .standard)
            try await store.saveFeatured([Self.paper("2611.00010", "Grasping with reinforcement learning on a real robot",
                                                     "Reinforcement learning grasping policies transfer from simulation to a real robot.")], trending: .standard)
            #expect(try await store.similar(to: ArxivID(parsing: "2611.00010")!, limit: 1).first?.record.paper.id.base == "2611.00004")
            #expect(try await store.similar(to: ArxivID(parsing: "2611.00004")!, limit: 1).first?.record.paper.id.base == "2611.00010")
        }
    }

    @Test func keywordsFillInOnlyWhereNoneCameWithThePaper() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured(Self.corpus, trending: .standard)
            let derived = try #require(try await store.paper(ArxivID(parsing: "2611.00004")!)?.paper.aiKeywords)
            #expect(!derived.isEmpty && derived.count <= 5)
            #expect(derived.contains { $0.contains("grasping") || $0.contains("robot") })
            #expect(try await store.paper(ArxivID(parsing: "2611.00005")!)?.paper.aiKeywords == ["given keyword"])
        }
    }

    /// The kept keywords, one line per keyword, of every paper that has a row.
    static func keptKeywords(_ t: TestDatabase) async throws -> [String: String] {
        try await t.database.read { db in
            var kept: [String: String] = [:]
            for row in try await db.raw("SELECT paper_id, keywords FROM paper_keywords").all() {
                kept[try row.decode(column: "paper_id", as: String.self)] = try row.decode(column: "keywords", as: String.self)
            }
            return kept
        }
    }

    @Test func keywordsAreKeptWhenTermsAreWrittenAndFilledInForOlderPapers() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured(Self.corpus, trending: .standard)
            let kept = try await Self.keptKeywords(t)
            #expect(Set(kept.keys) == Set(Self.corpus.map(\.paper.id.base)))
            let shown = try #require(try await store.paper(ArxivID(parsing: "2611.00004")!)?.paper.aiKeywords)
            #expect(kept["2611.00004"] == shown.joined(separator: "\n"))
            // Papers stored without keywords (before they were chosen, or by an import that left them for
            // later): cards show none meanwhile, the backfill chooses them.
            try await t.database.write { db in try await db.raw("DELETE FROM paper_keywords WHERE paper_id <> '2611.00001'").run() }
            #expect(try await store.paper(ArxivID(parsing: "2611.00004")!)?.paper.aiKeywords == [])
            #expect(try await store.hasPapersWithoutTerms())
            #expect(try await store.reindexSimilarity(onlyMissing: true) == 4)
            #expect(Set(try await Self.keptKeywords(t).keys) == Set(kept.keys))
            #expect(try await !store.hasPapersWithoutTerms())
            #expect(try await store.reindexSimilarity(onlyMissing: true) == 0)
            // A rebuild counts every paper once again and chooses the same keywords as one batch did.
            #expect(try await store.rebuildSimilarity() == 5)
            #expect(try await Self.keptKeywords(t) == kept)
        }
    }

    @Test func reindexingCountsEachPaperOnce() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured(Self.corpus, trending: .standard)
            try await store.saveFeatured(Self.corpus, trending: .standard)  // the same papers again (an import run twice)
            let before = try await store.similar(to: ArxivID(parsing: "2611.00001")!, limit: 2)
            #expect(try await store.reindexSimilarity() == 5)
            #expect(try await store.reindexSimilarity(onlyMissing: true) == 0)
            let after = try await store.similar(to: ArxivID(parsing: "2611.00001")!, limit: 2)
            #expect(before.map(\.record.paper.id) == after.map(\.record.paper.id))
            #expect(zip(before, after).allSatisfy { abs($0.score - $1.score) < 1e-9 })
            let documents = try await t.database.read { db in
                try await db.raw("SELECT value FROM site_state WHERE key = 'indexed_papers'").first()!.decode(column: "value", as: Int.self)
            }
            #expect(documents == 5)
        }
    }

    /// Every paper's kept keywords, the term counts, and the number of papers counted.
    static func index(_ t: TestDatabase) async throws -> (terms: [String: String], df: [String: Int], documents: Int) {
        let terms = try await t.paperKeywords()
        return try await t.database.read { db in
            var df: [String: Int] = [:]
            for row in try await db.raw("SELECT term, df FROM term_df").all() {
                df[try row.decode(column: "term", as: String.self)] = try row.decode(column: "df", as: Int.self)
            }
            let documents = try await db.raw("SELECT value FROM site_state WHERE key = 'indexed_papers'").first()!.decode(column: "value", as: Int.self)
            return (terms, df, documents)
        }
    }

    @Test func aRebuildWeighsEveryPaperAgainstTheWholeCorpus() async throws {
        try await TestDatabase.with { together in
            try await TestDatabase.with { oneByOne in
                // Saved in one batch, every paper is weighed against all five; saved one by one, the first
                // papers were weighed against a corpus of one or two.
                try await PaperStore(database: together.database).saveFeatured(Self.corpus, trending: .standard)
                let store = PaperStore(database: oneByOne.database)
                for paper in Self.corpus { try await store.saveFeatured([paper], trending: .standard) }
                let expected = try await Self.index(together)
                let drifted = try await Self.index(oneByOne)
                #expect(drifted.df == expected.df)

                #expect(try await store.rebuildSimilarity() == 5)
                let rebuilt = try await Self.index(oneByOne)
                #expect(rebuilt.terms == expected.terms)
                #expect(rebuilt.df == expected.df)
                #expect(rebuilt.documents == 5)
                // Rebuilding again replaces the index rather than adding to it.
                #expect(try await store.reindexSimilarity() == 5)
                let again = try await Self.index(oneByOne)
                #expect(again.terms == expected.terms)
                #expect(again.df == expected.df && again.documents == 5)
                // And a paper saved afterwards is indexed as it comes, on top of the rebuilt counts.
                try await store.saveFeatured([Self.paper("2611.00010", "Grasping with reinforcement learning on a real robot",
                                                         "Reinforcement learning grasping policies transfer from simulation to a real robot.")], trending: .standard)
                #expect(try await store.similar(to: ArxivID(parsing: "2611.00010")!, limit: 1).first?.record.paper.id.base == "2611.00004")
                #expect(try await Self.index(oneByOne).documents == 6)
            }
        }
    }
}
