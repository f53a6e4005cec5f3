import Foundation
import DailyPapersCore
import Testing

@Suite struct TermsTests {
    @Test func wordsAndBigramsWithoutStopwordsTitleCountingTwice() {
        let counts = Terms.counts(title: "Diffusion Models for Video", abstract: "We propose video diffusion. Diffusion models, 2024 and GPT-4.")
        #expect(counts["diffusion"] == 4)          // twice in the title's weight, twice in the abstract
        #expect(counts["diffusion models"] == 3)   // title (2) + abstract (1)
        #expect(counts["video diffusion"] == 1)
        #expect(counts["models video"] == nil)     // "for" sat between them
        #expect(counts["diffusion diffusion"] == nil) // a sentence ended between them
        #expect(counts["we"] == nil && counts["propose"] == nil && counts["2024"] == nil)
        #expect(counts["gpt"] == 1 && counts["gpt 4"] == nil) // "4" is a number, not a word
    }

    @Test func weightsAreSublinearTfIdfOfUnitLength() {
        let counts = ["rare": 4, "common": 4, "once": 1]
        let w = Terms.weights(counts, df: ["rare": 1, "common": 900, "once": 1], documents: 1000)
        #expect(w.map(\.term) == ["rare", "once", "common"])
        #expect(abs(w.reduce(0) { $0 + $1.weight * $1.weight } - 1) < 1e-12)
        // Four occurrences weigh 1 + ln 4 = 2.386 times one, not four times.
        #expect(abs(w[0].weight / w[1].weight - (1 + log(4.0))) < 1e-9)
        #expect(Terms.weights(counts, df: [:], documents: 10, keep: 2).count == 2)
        #expect(Terms.weights([:], df: [:], documents: 10).isEmpty)
    }

    @Test func keywordsSkipWordsAlreadyInAChosenPhrase() {
        let k = Terms.keywords([("diffusion models", 0.6), ("diffusion", 0.5), ("video", 0.4), ("models", 0.3), ("editing", 0.2)], count: 3)
        #expect(k == ["diffusion models", "video", "editing"])
    }
}
