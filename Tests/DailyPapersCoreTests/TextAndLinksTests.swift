import DailyPapersCore
import Testing

@Suite struct TextAndLinksTests {
    @Test func aPaperInOneLine() {
        var p = Paper(id: ArxivID(base: "2507.19247", version: nil), title: "t",
                      abstract: "We improve accuracy by 3.5 points on\nbenchmarks, e.g. GSM8K, as Smith et al. found. Then more follows.")
        // The abstract's first sentence, unwrapped; abbreviations and decimals do not end it.
        #expect(p.oneLine() == "We improve accuracy by 3.5 points on benchmarks, e.g. GSM8K, as Smith et al. found.")
        p.aiSummary = "A summary first. And a second sentence."
        #expect(p.oneLine() == "A summary first.")
        p.aiSummary = String(repeating: "word ", count: 100)
        #expect(p.oneLine(limit: 50).count <= 51 && p.oneLine(limit: 50).hasSuffix("…"))
    }

    @Test func findsCodeAndProjectLinks() {
        let found = LinkFinder.links(in: [
            "Accepted at ICLR. Code: https://github.com/asiresearch/lm-theory/tree/main.",
            "See our page (https://envharness.com/) and https://arxiv.org/abs/2401.00001.",
        ])
        #expect(found.code == "https://github.com/asiresearch/lm-theory")
        #expect(found.projectPage == "https://envharness.com/")
    }

    @Test func ignoresProfilesAndPaperLinks() {
        let found = LinkFinder.links(in: ["by https://github.com/someone, see https://doi.org/10.1/x"])
        #expect(found.code == nil)
        #expect(found.projectPage == nil)
    }

    @Test func paperLinksPreferRecordOverText() {
        var p = Paper(id: ArxivID(base: "2507.19247", version: nil), title: "t",
                      abstract: "Project Page: https://github.com/asiresearch/lm-theory")
        #expect(p.links.code == "https://github.com/asiresearch/lm-theory")
        #expect(p.links.pdf == "https://arxiv.org/pdf/2507.19247")
        p.githubRepo = "https://github.com/other/repo"
        #expect(p.links.code == "https://github.com/other/repo")
    }

    @Test func unwrapsHardLineBreaks() {
        #expect(TextHelpers.unwrap("Different from its\ncounterpart  outcome\n\n reward ") == "Different from its counterpart outcome reward")
    }

    @Test func excerptsCutAtWords() {
        #expect(TextHelpers.excerpt("one two three four", limit: 12) == "one two…")
        #expect(TextHelpers.excerpt("short", limit: 12) == "short")
    }

    @Test func shortensAuthorLists() {
        #expect(TextHelpers.shortAuthorList(["A", "B", "C", "D"]) == "A, B, C, D")
        #expect(TextHelpers.shortAuthorList(["A", "B", "C", "D", "E", "F"]) == "A, B, C and 3 others")
    }

    @Test func stableIDsAreStableAndHex() {
        let a = StableID.hex24("user:lievan")
        #expect(a.count == 24)
        #expect(a == StableID.hex24("user:lievan"))
        #expect(a != StableID.hex24("user:lievan2"))
        #expect(a.allSatisfy { $0.isHexDigit })
    }
}

@Suite struct TrendingTests {
    // Pinned values: a change to the formula must be deliberate.
    @Test func scoresAtFixedTimes() throws {
        let t = try #require(Timestamp(iso8601: "2024-12-04T00:00:00Z"))
        let s = Trending.standard.score(upvotes: 17, comments: 1, submittedAt: t)
        // log10(17 + 2*1) + (2024-12-04 - 2024-01-01) / 45000 s
        #expect(abs(s - (1.2787536009528289 + 29_203_200.0 / 45_000)) < 1e-9)
        #expect(Trending.standard.score(upvotes: 0, comments: 0, submittedAt: Trending.epoch) == 0)
    }

    @Test func tenfoldEngagementEqualsOneWindow() {
        let t0 = Trending.epoch
        let later = t0.adding(seconds: 45_000)
        let old = Trending.standard.score(upvotes: 100, comments: 0, submittedAt: t0)
        let new = Trending.standard.score(upvotes: 10, comments: 0, submittedAt: later)
        #expect(abs(old - new) < 1e-9)
    }

    @Test func configuredGravityAndCommentWeight() {
        let steep = Trending(commentWeight: 3, gravitySeconds: 3600, windowDays: 2)
        // log10(5 + 3*2) + 7200 / 3600
        #expect(abs(steep.score(upvotes: 5, comments: 2, submittedAt: Trending.epoch.adding(seconds: 7200)) - 3.041392685158225) < 1e-12)
        // No engagement counts as one: the time term alone.
        #expect(steep.score(upvotes: 0, comments: 0, submittedAt: Trending.epoch.adding(seconds: 3600)) == 1)
        // A comment outweighs an upvote by the configured factor.
        #expect(steep.score(upvotes: 0, comments: 1, submittedAt: Trending.epoch) == steep.score(upvotes: 3, comments: 0, submittedAt: Trending.epoch))
    }
}
