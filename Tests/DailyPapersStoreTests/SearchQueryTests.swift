@testable import DailyPapersStore
import DailyPapersCore
import DailyPapersTestSupport
import Testing

@Suite struct SearchQueryTests {
    @Test func readsWordsPhrasesAndPrefixesAndNothingElse() throws {
        func parts(_ text: String) throws -> [String] { try #require(SearchQuery(text)).normalized.components(separatedBy: " ") }
        #expect(try parts("diffusion Models") == ["diffusion", "models"])
        #expect(try #require(SearchQuery(#""language models" diffus*"#)).normalized == #""language models" diffus*"#)
        // A chunk with inner punctuation stays one phrase, as the tokenizer reads "GPT-4" as "gpt 4"; operators are words.
        #expect(try #require(SearchQuery("NEAR(a b) OR x")).normalized == #""near a" b or x"#)
        #expect(try #require(SearchQuery("GPT-4")).normalized == #""gpt 4""#)
        #expect(try #require(SearchQuery(#"say "unbalanced"#)).normalized == "say unbalanced")
        #expect(try #require(SearchQuery("x:* a* 'y'")).normalized == "x a y")
        #expect(SearchQuery("  *  %% ( ) ") == nil)
        #expect(SearchQuery("") == nil)
        #expect(try #require(SearchQuery(String(repeating: "w ", count: 100))).parts.count == 16)
    }

    /// A prefix matches the index's stems: its letters as typed and their stem, accents removed, one start kept
    /// where it begins the other.
    @Test func prefixesStartTheIndexsStems() throws {
        #expect(try #require(SearchQuery("diffus*")).indexPrefixes == [["diffu"]])
        #expect(try #require(SearchQuery("studies* Émig* happy*")).indexPrefixes == [["studi"], ["emig"], ["happy", "happi"]])
        #expect(try #require(SearchQuery("models lang*")).indexPrefixes == [["lang"]])
        #expect(try #require(SearchQuery("models")).indexPrefixes.isEmpty)
    }

    @Test func snippetsMarkMatchesAndCutAroundThem() throws {
        let text = (1...60).map { "w\($0)" }.joined(separator: " ") + " <b>Diffusion</b> models & more"
        let snippet = SearchSnippet.make(text, query: try #require(SearchQuery("model diffus*")), words: 10)
        #expect(snippet.hasPrefix("…"))
        #expect(snippet.hasSuffix("<b>\u{E000}Diffusion\u{E001}</b> \u{E000}models\u{E001}…"))
        #expect(!snippet.contains("w40 ") && snippet.contains("w55"))
        let short = SearchSnippet.make("Models: a study.", query: try #require(SearchQuery("model")))
        #expect(short == "\u{E000}Models\u{E001}: a study.")
    }

    /// The tokenizer passes over words that cannot stem to a term looked for, judging by how they start;
    /// no word may be passed over that stems to one: checked for every word of real abstracts (and words
    /// whose stems end in letters the word did not have there), each looking for its own stem.
    @Test func wordsPassedOverCannotStemToATermLookedFor() throws {
        let tricky = "possibilities possibly relational conflating hoping generalization sensitivity agreed ies "
            + "happy cries valency hesitancy activities operator organization naïve Über façade 3D GPT-4o x"
        var text = tricky
        for line in try String(contentsOfFile: Fixtures.path("arxiv/corpus-excerpt.jsonl"), encoding: .utf8).split(separator: "\n") {
            text += " " + String(line)
        }
        var words = 0
        SearchTokenizer.forEachToken(text) { stem, range in
            let word = String(decoding: Array(text.utf8)[range], as: UTF8.self)
            var seen: String?
            SearchTokenizer.forEachToken(word, lookingFor: [stem]) { term, _ in seen = term; return false }
            #expect(seen == stem, "'\(word)' stems to '\(stem)' but was passed over")
            words += 1
            return true
        }
        #expect(words > 5000)
        // And words that cannot are passed over unstemmed.
        var passed: [String] = []
        SearchTokenizer.forEachToken("models model mobile diffusion", lookingFor: ["model"]) { term, _ in passed.append(term); return true }
        #expect(passed == ["model", "model", "", ""])
    }
}


@Suite struct SearchFiltersTests {
    @Test func filtersSortsAndPages() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            func paper(_ id: String, _ day: String, upvotes: Int, category: String, author: String, repo: String?) -> FeaturedPaper {
                let p = Paper(id: ArxivID(parsing: id)!, title: "Diffusion paper \(id)", abstract: "About diffusion.",
                              authors: [Author(name: author)], categories: [category], githubRepo: repo)
                return FeaturedPaper(paper: p, day: CalendarDay(iso: day)!, submittedAt: CalendarDay(iso: day)!.startTimestamp, upvotes: upvotes)
            }
            try await store.saveFeatured([
                paper("2412.00001", "2024-12-01", upvotes: 5, category: "cs.LG", author: "Ada Lovelace", repo: "https://github.com/a/b"),
                paper("2412.00002", "2024-12-02", upvotes: 50, category: "cs.CV", author: "Alan Turing", repo: nil),
                paper("2412.00003", "2024-12-03", upvotes: 1, category: "cs.LG", author: "Grace Hopper", repo: nil),
            ], trending: .standard)
            func ids(_ f: SearchFilters) async throws -> [String] { try await store.searchHits("diffusion", filters: f).map(\.paper.id.base) }
            #expect(try await ids(SearchFilters(category: "cs.LG", sort: .newest)) == ["2412.00003", "2412.00001"])
            #expect(try await ids(SearchFilters(from: CalendarDay(iso: "2024-12-02"), to: CalendarDay(iso: "2024-12-02"))) == ["2412.00002"])
            #expect(try await ids(SearchFilters(author: "turing")) == ["2412.00002"])
            #expect(try await ids(SearchFilters(author: "%")) == [])
            #expect(try await ids(SearchFilters(hasCode: true)) == ["2412.00001"])
            #expect(try await ids(SearchFilters(sort: .upvotes)) == ["2412.00002", "2412.00001", "2412.00003"])
            #expect(try await ids(SearchFilters(sort: .newest, offset: 1, limit: 1)) == ["2412.00002"])
        }
    }
}

@Suite struct SearchPagingPastUnfeaturedMatchesTests {
    /// The best matches are papers not on the feed (imported, never featured): a page must still hold the
    /// featured ones in order, however many unfeatured ones rank above them.
    @Test func theFeedsPapersComeInOrderPastBetterRankedOnesNotOnIt() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.savePapers((1...60).map { i in
                Paper(id: ArxivID(parsing: String(format: "2412.%05d", i))!, title: "Diffusion diffusion diffusion \(i)", abstract: "Diffusion.")
            })
            let day = CalendarDay(iso: "2024-12-02")!
            try await store.saveFeatured((61...70).map { i in
                FeaturedPaper(paper: Paper(id: ArxivID(parsing: String(format: "2412.%05d", i))!, title: "Paper \(i)",
                                           abstract: String(repeating: "filler words here ", count: i - 60) + "about diffusion."),
                              day: day, submittedAt: day.startTimestamp)
            }, trending: .standard)
            let first = try await store.searchHits("diffusion", filters: SearchFilters(featuredOnly: true, limit: 4)).map(\.paper.id.base)
            let second = try await store.searchHits("diffusion", filters: SearchFilters(featuredOnly: true, offset: 4, limit: 4)).map(\.paper.id.base)
            let all = try await store.searchHits("diffusion", filters: SearchFilters(featuredOnly: true, limit: 20)).map(\.paper.id.base)
            #expect(all.count == 10 && Set(all) == Set((61...70).map { String(format: "2412.%05d", $0) }))
            #expect(first + second == Array(all.prefix(8)))
            // A shorter abstract around the match ranks higher (bm25's length normalisation).
            #expect(all.first == "2412.00061")
            // Every paper: the 60 never featured rank first, and say so; the feed's follow in the same order.
            let every = try await store.searchHits("diffusion", filters: SearchFilters(limit: 100))
            #expect(every.count == 70 && every.prefix(60).allSatisfy { $0.featured == nil })
            #expect(every.suffix(10).map(\.paper.id.base) == all)
            // The same with a filter (the full-text path): a category none of them has finds none.
            #expect(try await store.searchHits("diffusion", filters: SearchFilters(category: "cs.LG", limit: 100)).isEmpty)
            #expect(try await store.searchHits("diffusion", filters: SearchFilters(sort: .newest, limit: 100)).count == 70)
        }
    }
}

/// A search typed as a paper's exact title finds that paper first, even where a longer title holding the same
/// words ranks higher, and the pages after it neither repeat nor skip a paper.
@Suite struct ExactTitleTests {
    @Test func theExactTitleComesFirstAndPagesStayWhole() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            let known = Paper(id: ArxivID(parsing: "2510.03348")!, title: "Visual Odometry with Transformers", abstract: "A model for odometry.")
            let others = (1...5).map { i in
                Paper(id: ArxivID(parsing: String(format: "2606.%05d", i))!, title: "Visual Odometry Transformers \(i): visual odometry with transformers",
                      abstract: "Visual odometry with transformers, and more visual odometry with transformers.")
            }
            try await store.savePapers([known] + others)
            let typed = "Visual Odometry with Transformers"
            let plain = try await store.searchHits("transformers odometry visual with", filters: SearchFilters(limit: 10)).map(\.paper.id.base)
            #expect(plain.first != "2510.03348", "without the exact title the longer ones rank first")
            let hits = try await store.searchHits("  visual odometry WITH transformers ", filters: SearchFilters(limit: 10)).map(\.paper.id.base)
            #expect(hits.first == "2510.03348" && Set(hits) == Set(plain) && hits.count == 6)
            var paged: [String] = []
            for offset in stride(from: 0, to: 6, by: 2) {
                paged += try await store.searchHits(typed, filters: SearchFilters(offset: offset, limit: 2)).map(\.paper.id.base)
            }
            #expect(paged == hits)
            // Kept to the feed, a paper not on it is not brought in.
            #expect(try await store.searchHits(typed, filters: SearchFilters(featuredOnly: true)).isEmpty)
        }
    }
}
