import DailyPapersCore
import Testing

@Suite struct DigestSelectionTests {
    let candidates = [
        DigestCandidate(id: "1", title: "Diffusion models for video", abstract: "We study video.", authors: ["Ada Lovelace"], categories: ["cs.CV"], upvotes: 50),
        DigestCandidate(id: "2", title: "Reward models", abstract: "Process rewards without labels.", authors: ["Alan Turing"], categories: ["cs.LG", "cs.AI"], upvotes: 40),
        DigestCandidate(id: "3", title: "Quantum error correction", abstract: "Surface codes.", authors: ["Émile Borel"], categories: ["quant-ph"], upvotes: 30),
        DigestCandidate(id: "4", title: "Language agents", abstract: "Multi-agent LLM training.", authors: ["Grace Hopper"], categories: ["cs.CL"], upvotes: 20),
    ]

    func ids(_ p: DigestPreferences, sent: Set<String> = []) -> [String] {
        DigestSelection.select(candidates, preferences: p, alreadySent: sent).map(\.id)
    }

    @Test func noTopicsMeansTheTopPapersInOrder() {
        #expect(ids(DigestPreferences(size: 5)) == ["1", "2", "3", "4"])
        #expect(ids(DigestPreferences(size: 2)) == ["1", "2"])
    }

    @Test func topicsMatchCategoriesKeywordsOrAuthors() {
        #expect(ids(DigestPreferences(categories: ["CS.ai"])) == ["2"])
        #expect(ids(DigestPreferences(keywords: ["LLM", "surface code"])) == ["3", "4"])
        #expect(ids(DigestPreferences(authors: ["emile  borel", "Grace Hopper"])) == ["3", "4"])
        #expect(ids(DigestPreferences(categories: ["cs.CV"], keywords: ["rewards"])) == ["1", "2"])
        #expect(ids(DigestPreferences(categories: ["math.AG"])) == [])
    }

    @Test func papersSentBeforeAreLeftOut() {
        #expect(ids(DigestPreferences(size: 2), sent: ["1"]) == ["2", "3"])
    }

    @Test func periodsAndKeys() throws {
        let thursday = try #require(CalendarDay(iso: "2026-11-26"))
        #expect(DigestPeriod.daily(thursday)?.key == "daily:2026-11-26")
        #expect(DigestPeriod.daily(try #require(CalendarDay(iso: "2026-11-28"))) == nil)  // Saturday
        #expect(DigestPeriod.weekly(containing: thursday).key == "weekly:2026-W48")
    }
}
