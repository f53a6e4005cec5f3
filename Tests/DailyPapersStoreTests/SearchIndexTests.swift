import DailyPapersCore
@testable import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import SQLKit
import Testing

/// The impact-ordered search index: its words are FTS5's words (its tokenizer is the reference), and the pages it
/// proves are the pages that ranking every paper gives, whatever form the search takes.
@Suite struct SearchIndexTests {
    /// The 40 real papers of the corpus excerpt, featured on one day a minute apart.
    static func corpus() throws -> [FeaturedPaper] {
        let lines = try String(contentsOfFile: Fixtures.path("arxiv/corpus-excerpt.jsonl"), encoding: .utf8).split(separator: "\n")
        return try lines.enumerated().map { i, line in
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let paper = Paper(id: try #require(ArxivID(parsing: o["id"] as? String ?? "")), title: o["title"] as? String ?? "",
                              abstract: o["summary"] as? String ?? "",
                              authors: (o["authors"] as? [String] ?? []).map { Author(name: $0) })
            // Two papers share each submission time, so ties on score fall to the id.
            return FeaturedPaper(paper: paper, day: CalendarDay(iso: "2026-11-20")!,
                                 submittedAt: Timestamp(millisecondsSince1970: 1_790_000_000_000 + Int64(i / 2) * 60_000))
        }
    }

    /// Two and three consecutive words of every title, single words, and a phrase, as readers type them.
    static func queries(_ papers: [FeaturedPaper]) -> [String] {
        var out: [String] = ["models", "learning", "the", "Gaussian", "\"language models\"", "vision-language", "zzzunknown models"]
        for p in papers {
            let words = p.paper.title.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") }).map(String.init)
            for n in [2, 3] where words.count >= n {
                out.append(words[0..<n].joined(separator: " "))
                out.append(words[(words.count - n)...].joined(separator: " "))
            }
        }
        return out
    }

    /// Every paper scored the slow way: its whole text against every term, idf from the whole corpus.
    struct BruteForce {
        let docs: [(paper: FeaturedPaper, document: SearchRanking.Document)]

        init(_ papers: [FeaturedPaper]) {
            docs = papers.map { p in
                (p, SearchRanking.Document(title: p.paper.title, abstract: p.paper.abstract,
                                           authors: p.paper.authors.map(\.name).joined(separator: ", ")))
            }
        }

        /// The ids of the best `wanted` papers `keep` keeps, ranked as the index ranks (a prefix matching by its best
        /// term), equal scores newest first then by id.
        func top(_ text: String, wanted: Int, keep: (FeaturedPaper) -> Bool = { _ in true }) throws -> [String] {
            let query = try #require(SearchQuery(text))
            let phrases = query.indexTerms
            let words = Array(Set(phrases.joined())).sorted()
            // A paper's impact for each word, and for each prefix its best term's.
            func impacts(_ d: SearchRanking.Document) -> [Double?] {
                func impact(_ count: Double) -> Double { Double(Float(SearchRanking.impact(weightedCount: count, length: d.length))) }
                return words.map { d.counts[$0].map(impact) } + query.indexPrefixes.map { starts in
                    d.counts.filter { term, _ in starts.contains { term.hasPrefix($0) } }.map { impact($0.value) }.max()
                }
            }
            let all = docs.map { impacts($0.document) }
            let idf = (0..<(all.first?.count ?? 0)).map { i in
                SearchRanking.idf(documents: docs.count, containing: all.filter { $0[i] != nil }.count)
            }
            // Impacts rounded to Float as the index keeps them, so equal papers tie here as there.
            let scored = zip(docs, all).filter { d, impacts in
                keep(d.paper) && !impacts.contains(nil) && phrases.allSatisfy { d.document.containsPhrase($0) }
            }.map { d, impacts in
                (id: d.paper.paper.id.base, submitted: d.paper.submittedAt.millisecondsSince1970,
                 score: zip(idf, impacts).reduce(0.0) { $0 + $1.0 * $1.1! })
            }
            return scored.sorted { a, b in
                a.score != b.score ? a.score > b.score : a.submitted != b.submitted ? a.submitted > b.submitted : a.id < b.id
            }.prefix(wanted).map(\.id)
        }
    }

    @Test func pagesAreThoseOfRankingEveryPaper() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let papers = try Self.corpus()
            try await store.saveFeatured(papers, trending: .standard)
            #expect(try await store.searchIndexPending() == false)
            let bruteForce = BruteForce(papers)
            for text in Self.queries(papers) {
                let query = try #require(SearchQuery(text))
                for (offset, limit) in [(0, 1), (0, 5), (0, 20), (5, 5)] {
                    let hits = try await store.hitsFromSearchIndex(query, filters: SearchFilters(offset: offset, limit: limit))
                    let expected = Array(try bruteForce.top(text, wanted: offset + limit).dropFirst(offset))
                    #expect(hits.map(\.paper.id.base) == expected, "\(text) (\(offset), \(limit))")
                }
            }
        }
    }

    /// A page reads whole rows for the candidates ranked through its last place first; papers a moderator hid among
    /// them leave it short, and then the page is made from every candidate, still whole and in order.
    @Test func hiddenPapersAmongThePageLeaveItWhole() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let papers = try Self.corpus()
            try await store.saveFeatured(papers, trending: .standard)
            let bruteForce = BruteForce(papers)
            for text in ["models", "language models", "learning"] {
                let query = try #require(SearchQuery(text))
                let top = try bruteForce.top(text, wanted: 6)
                try #require(top.count == 6, "\(text)")
                let hidden = Set([top[0], top[2], top[3]])
                let binds: [any Encodable & Sendable] = Array(hidden)
                try await t.database.write { db in try await db.raw("UPDATE featured SET hidden = 1 WHERE paper_id IN (\(binds: binds))").run() }
                for (offset, limit) in [(0, 3), (1, 2), (0, 1)] {
                    let hits = try await store.hitsFromSearchIndex(query, filters: SearchFilters(offset: offset, limit: limit))
                    let expected = Array(try bruteForce.top(text, wanted: offset + limit, keep: { !hidden.contains($0.paper.id.base) }).dropFirst(offset))
                    #expect(hits.map(\.paper.id.base) == expected, "\(text) (\(offset), \(limit))")
                }
                try await t.database.write { db in try await db.raw("UPDATE featured SET hidden = 0").run() }
            }
        }
    }

    /// Prefixes, filters and sorts are answered by the same index: the pages are those of ranking every paper the
    /// filters keep (a prefix scoring a paper by its best term), or of sorting all of them.
    @Test func prefixesFiltersAndSortsRankAsEveryPaperWould() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            var papers = try Self.corpus()
            // Featured on four days, ten papers each; a few in a category of their own.
            for i in papers.indices {
                papers[i].day = CalendarDay(iso: "2026-11-\(20 + i % 4)")!
                papers[i].paper.categories = i % 5 == 0 ? ["astro-ph.GA"] : ["cs.LG"]
            }
            try await store.saveFeatured(papers, trending: .standard)
            let bruteForce = BruteForce(papers)
            let queries = ["diffus*", "gauss*", "lang* models", "model*", "\"language models\" lea*", "vi*", "learning", "zzz*"]
            let lateDays = { (p: FeaturedPaper) in p.day >= CalendarDay(iso: "2026-11-22")! }
            let galaxies = { (p: FeaturedPaper) in p.paper.categories == ["astro-ph.GA"] }
            for text in queries {
                for (offset, limit) in [(0, 5), (0, 40), (3, 4)] {
                    func ids(_ filters: SearchFilters) async throws -> [String] {
                        try await store.searchHits(text, filters: filters).map(\.paper.id.base)
                    }
                    func expected(_ keep: @escaping (FeaturedPaper) -> Bool = { _ in true }) throws -> [String] {
                        Array(try bruteForce.top(text, wanted: offset + limit, keep: keep).dropFirst(offset))
                    }
                    #expect(try await ids(SearchFilters(offset: offset, limit: limit)) == expected(), "\(text)")
                    #expect(try await ids(SearchFilters(from: CalendarDay(iso: "2026-11-22")!, offset: offset, limit: limit)) == expected(lateDays), "\(text) from")
                    #expect(try await ids(SearchFilters(category: "astro-ph.GA", offset: offset, limit: limit)) == expected(galaxies), "\(text) category")
                    // Newest first: every match, by submission time (ties by id).
                    let newest = try bruteForce.top(text, wanted: papers.count).compactMap { id in papers.first { $0.paper.id.base == id } }
                        .sorted { a, b in a.submittedAt != b.submittedAt ? a.submittedAt > b.submittedAt : a.paper.id.base < b.paper.id.base }
                        .map(\.paper.id.base)
                    #expect(try await ids(SearchFilters(sort: .newest, offset: offset, limit: limit)) == Array(newest.dropFirst(offset).prefix(limit)), "\(text) newest")
                }
            }
            #expect(try await store.searchHits("diffus*", filters: SearchFilters()).count > 3)
            #expect(try await store.searchHits("zzz*", filters: SearchFilters(category: "cs.LG")).isEmpty)
        }
    }

    /// A prefix's lists merge into one in paper order, each paper once at its best impact, within the query's budget:
    /// the longest lists kept first, the longest alone when even it is beyond.
    @Test func prefixListsMergeWithinTheirBudget() {
        typealias P = SearchMemory.Posting
        let a = [P(doc: 1, impact: 1), P(doc: 4, impact: 2), P(doc: 7, impact: 1), P(doc: 9, impact: 1), P(doc: 12, impact: 1)]
        let b = [P(doc: 2, impact: 1), P(doc: 4, impact: 5), P(doc: 8, impact: 1), P(doc: 12, impact: 3)]
        let c = [P(doc: 3, impact: 9), P(doc: 5, impact: 1), P(doc: 6, impact: 1)]
        let lists: [(count: Int, maxImpact: Float, postings: () -> [P])] = [(a.count, 1, { a }), (b.count, 5, { b }), (c.count, 9, { c })]
        for documents in [13, 1000] {  // the dense merge and the sorting one
            let all = SearchMemory.union(lists, documents: documents, limit: 100)
            #expect(all.list.map { $0.doc } == [1, 2, 3, 4, 5, 6, 7, 8, 9, 12])
            #expect(all.list.first { $0.doc == 4 }?.impact == 5 && all.list.first { $0.doc == 12 }?.impact == 3)
            #expect(all.maxImpact == 9)
            #expect(SearchMemory.union(lists, documents: documents, limit: 9).list.map { $0.doc } == [1, 2, 4, 7, 8, 9, 12])
            #expect(SearchMemory.union(Array(lists.reversed()), documents: documents, limit: 1).list.map { $0.doc } == [1, 4, 7, 9, 12])
        }
    }

    /// 600 papers pieced together from the excerpt's titles and sentences, so common words match hundreds
    /// of papers with scores close together: a page is decided by passing over papers that cannot make it
    /// (bounds on what the words not yet looked up can add), and must still be the page of ranking all.
    @Test func passingOverPapersThatCannotMakeThePageKeepsItExact() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let source = try Self.corpus()
            let sentences = source.flatMap { $0.paper.abstract.split(separator: ".").map(String.init) }.filter { $0.count > 20 }
            var mix: UInt64 = 2026
            func next(_ n: Int) -> Int {
                mix = mix &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((mix >> 33) % UInt64(n))
            }
            let papers = (0..<600).map { i in
                let a = source[next(source.count)].paper.title.split(separator: " "), b = source[next(source.count)].paper.title.split(separator: " ")
                let title = (a.prefix(1 + next(a.count)) + b.suffix(1 + next(b.count))).joined(separator: " ")
                let abstract = (0..<(1 + next(6))).map { _ in sentences[next(sentences.count)] }.joined(separator: ". ")
                return FeaturedPaper(paper: Paper(id: ArxivID(parsing: String(format: "2611.%05d", 30000 + i))!, title: title, abstract: abstract,
                                                  authors: source[next(source.count)].paper.authors),
                                     day: CalendarDay(iso: "2026-11-20")!,
                                     submittedAt: Timestamp(millisecondsSince1970: 1_790_000_000_000 + Int64(i / 3) * 60_000))
            }
            try await store.saveFeatured(papers, trending: .standard)
            let bruteForce = BruteForce(papers)
            var queries = ["models", "the model", "for the", "language models for", "learning of the", "\"of the\" models", "a"]
            queries += (0..<40).map { _ in
                let words = papers[next(papers.count)].paper.title.split(separator: " ")
                let start = next(words.count)
                return words[start..<min(words.count, start + 1 + next(3))].joined(separator: " ")
            }
            for text in queries {
                let query = try #require(SearchQuery(text))
                for (offset, limit) in [(0, 1), (0, 20), (10, 10)] {
                    let hits = try await store.hitsFromSearchIndex(query, filters: SearchFilters(offset: offset, limit: limit))
                    let expected = Array(try bruteForce.top(text, wanted: offset + limit).dropFirst(offset))
                    #expect(hits.map(\.paper.id.base) == expected, "\(text) (\(offset), \(limit))")
                }
            }
        }
    }

    @Test func anotherProcessFindsWhatOneSavedAndARebuildChangesNothing() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let papers = try Self.corpus()
            try await store.saveFeatured(Array(papers.prefix(30)), trending: .standard)
            let other = try await t.openAnother()
            do {
                let otherStore = PaperStore(database: other)
                #expect(try await otherStore.searchHits("Gaussian splatting", filters: SearchFilters()).count > 0)
                let before = try await otherStore.searchHits("models", filters: SearchFilters(limit: 40)).map(\.paper.id.base)
                // Saved through the first handle, searched through the second (which loaded its index already).
                try await store.saveFeatured(Array(papers.dropFirst(30)), trending: .standard)
                let bruteForce = BruteForce(papers)
                let after = try await otherStore.searchHits("models", filters: SearchFilters(limit: 40)).map(\.paper.id.base)
                #expect(after == (try bruteForce.top("models", wanted: 40)))
                #expect(after.count > before.count)
                // A paper saved again with another title is found by its new words only.
                var changed = papers[0]
                changed.paper.title = "Zyxwvut retitled"
                try await store.saveFeatured([changed], trending: .standard)
                #expect(try await otherStore.searchHits("zyxwvut", filters: SearchFilters()).map(\.paper.id.base) == [changed.paper.id.base])
                // So do prefixes and filtered searches: the old words are gone, not kept beside the new.
                let filtered = SearchFilters(from: CalendarDay(iso: "2000-01-01")!)
                #expect(try await otherStore.searchHits("zyxwv*", filters: SearchFilters()).map(\.paper.id.base) == [changed.paper.id.base])
                #expect(try await otherStore.searchHits("zyxwv*", filters: filtered).map(\.paper.id.base) == [changed.paper.id.base])
                #expect(try await otherStore.searchHits("\"\(papers[0].paper.title)\"", filters: filtered)
                    .allSatisfy { $0.paper.id.base != changed.paper.id.base })
                try await store.rebuildSearchIndex()
                #expect(try await otherStore.searchHits("zyxwvut", filters: SearchFilters()).map(\.paper.id.base) == [changed.paper.id.base])
                let rebuilt = try await otherStore.searchHits("models", filters: SearchFilters(limit: 40)).map(\.paper.id.base)
                #expect(rebuilt.count == after.count)
            } catch {
                await other.close()
                throw error
            }
            await other.close()
        }
    }

    @Test func aSavedPaperIsFoundAtOnceAndHiddenOnesAreNot() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured(try Self.corpus(), trending: .standard)
            let fresh = FeaturedPaper(paper: Paper(id: ArxivID(parsing: "2611.99999")!, title: "Quasar splatting for scalable editing",
                                                   abstract: "Gaussian splatting of quasars."),
                                      day: CalendarDay(iso: "2026-11-21")!, submittedAt: .now)
            try await store.saveFeatured([fresh], trending: .standard)
            let hits = try await store.searchHits("quasar splatting", filters: SearchFilters())
            #expect(hits.map(\.paper.id.base) == ["2611.99999"])
            #expect(hits.first?.snippet.contains("\u{E000}") == true)
            try await t.database.write { db in try await db.raw("UPDATE featured SET hidden = 1 WHERE paper_id = '2611.99999'").run() }
            #expect(try await store.searchHits("quasar splatting", filters: SearchFilters()).isEmpty)
        }
    }

    /// An instance that harvests far more papers than it features: the best matches are mostly not on the
    /// feed, so the search looks further down (past the candidates it reads whole) and still pages right.
    @Test func matchesNotOnTheFeedAreLookedPast() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            // 150 unfeatured papers with "quasar" in the title outrank the featured ones, which have it in the abstract.
            try await store.savePapers((0..<150).map { i in
                Paper(id: ArxivID(parsing: String(format: "2611.%05d", 10000 + i))!, title: "Quasar survey \(i)", abstract: "Quasar light curves.")
            }, indexSimilarity: false)
            let shown = (0..<3).map { i in
                FeaturedPaper(paper: Paper(id: ArxivID(parsing: String(format: "2611.%05d", 20000 + i))!, title: "Light curves \(i)",
                                           abstract: "A quasar among many stars."),
                              day: CalendarDay(iso: "2026-11-2\(i + 1)")!, submittedAt: Timestamp(millisecondsSince1970: Int64(i) * 1000))
            }
            try await store.saveFeatured(shown, trending: .standard)
            let query = try #require(SearchQuery("quasar"))
            // With the feed's few papers in hand, and (were there more than 2) by looking ever further down.
            for shownReadWhole in [PaperStore.shownReadWhole, 2] {
                let hits = try await store.hitsFromSearchIndex(query, filters: SearchFilters(featuredOnly: true, limit: 2), shownReadWhole: shownReadWhole)
                #expect(hits.map(\.paper.id.base) == ["2611.20002", "2611.20001"])
                #expect(hits.allSatisfy { $0.snippet.contains("\u{E000}quasar\u{E001}") })
                let next = try await store.hitsFromSearchIndex(query, filters: SearchFilters(featuredOnly: true, offset: 2, limit: 2),
                                                                  shownReadWhole: shownReadWhole)
                #expect(next.map(\.paper.id.base) == ["2611.20000"])
            }
            // Over every paper, the unfeatured ones come first (the word in their titles), then the feed's.
            let every = try await store.hitsFromSearchIndex(query, filters: SearchFilters(offset: 148, limit: 4))
            #expect(every.map(\.paper.id.base).suffix(2) == ["2611.20002", "2611.20001"])
            #expect(every.prefix(2).allSatisfy { $0.featured == nil } && every.suffix(2).allSatisfy { $0.featured != nil })
        }
    }

    @Test func wordsAreTheFullTextIndexWords() async throws {
        guard !TestDatabase.isPostgres else { return }  // FTS5's own tokenizer is the reference.
        try await TestDatabase.with { t in
            var texts = try Self.corpus().map { $0.paper.title + " " + $0.paper.abstract }
            // Porter's own examples, one of each rule, and words with accents and other scripts.
            texts.append("""
                caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized
                hopping tanned falling hissing fizzed failing filing happy sky relational conditional rational valenci
                hesitanci digitizer conformabli radicalli differentli vileli analogousli vietnamization predication
                operator feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate
                formative formalize electriciti electrical hopeful goodness revival allowance inference airliner
                gyroscopic adjustable defensible irritant replacement adjustment dependent adoption homologou
                communism activate angulariti homologous effective bowdlerize probate rate cease controll roll
                generalizations oscillators analogies skies dying lying ies sses ying ays eed logi archaeology
                Café naïve Ångström Łódź Straße résumé ÉCOLE 深度学习 модели 3D-GS GPT-4o x²
                """)
            let all = texts
            try await t.database.writeWithoutTransaction { db in
                try await db.raw("CREATE VIRTUAL TABLE words_check USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2')").run()
                try await db.raw("CREATE VIRTUAL TABLE words_check_vocab USING fts5vocab(words_check, 'instance')").run()
                for (i, text) in all.enumerated() {
                    try await db.raw("INSERT INTO words_check (rowid, body) VALUES (\(bind: i + 1), \(bind: text))").run()
                }
            }
            let rows = try await t.database.read { db in
                try await db.raw("SELECT doc, term, \"offset\" AS o FROM words_check_vocab").all().map {
                    (try $0.decode(column: "doc", as: Int.self), try $0.decode(column: "o", as: Int.self), try $0.decode(column: "term", as: String.self))
                }
            }
            var fts: [Int: [(offset: Int, term: String)]] = [:]
            for (doc, offset, term) in rows { fts[doc, default: []].append((offset, term)) }
            for (i, text) in texts.enumerated() {
                let expected = (fts[i + 1] ?? []).sorted { $0.offset < $1.offset }.map(\.term)
                let ours = SearchTokenizer.terms(text)
                #expect(ours == expected, "text \(i + 1): \(zip(ours, expected).filter { $0 != $1 }.prefix(5).map { "\($0)≠\($1)" })")
            }
        }
    }
}

extension SearchRanking.Document {
    /// Whether the terms occur side by side, in order, within one field: the test's own phrase check.
    func containsPhrase(_ terms: [String]) -> Bool {
        guard terms.count > 1 else { return terms.first.map { counts[$0] != nil } ?? true }
        return fields.contains { field in
            field.count >= terms.count && (0...(field.count - terms.count)).contains { field[$0..<($0 + terms.count)].elementsEqual(terms) }
        }
    }
}
