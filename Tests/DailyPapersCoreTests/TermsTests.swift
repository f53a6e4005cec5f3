import Foundation
@testable import DailyPapersCore
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

    /// The byte loop for ASCII text gives exactly the words and bigrams of the Character loop; and
    /// unwrapping ASCII on bytes gives what unwrapping Characters gives.
    @Test(arguments: [
        "Diffusion Models for Video. GPT-4, 2024 and LLaMA-3.1-8B (ours): 3D scenes;\r\nthe The THE a an",
        "We   study\tlearning\nwith\r\nCRLF\u{0B}vertical\u{0C}feed  x y z 12 ab a1 1a " + String(repeating: "w", count: 41) + " " + String(repeating: "v", count: 40),
        "Trailing punctuation!? (Parenthesised) words: end.", "", "   ", "one",
    ])
    func asciiFastPathsMatchTheCharacterLoops(text: String) {
        var bytes: [String: Int] = [:], characters: [String: Int] = [:]
        Terms.addASCII(text, weight: 2, to: &bytes)
        Terms.addCharacters(text, weight: 2, to: &characters)
        #expect(bytes == characters)
        // unwrap's byte loop (ASCII text) gives what its Character loop (any text) gives; other text takes the latter.
        #expect(TextHelpers.unwrap(text) == TextHelpers.unwrapCharacters(text))
        #expect(TextHelpers.unwrap(text + " é") == TextHelpers.unwrapCharacters(text + " é"))
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

    @Test func aBigramsCountIsEstimatedFromItsWords() {
        // Two words in a tenth and a fifth of 1,000 papers: together in about 20, as if independent.
        let counts = ["graph neural": 1, "graph": 1, "neural": 1, "zebra": 1]
        let df = ["graph": 100, "neural": 200, "zebra": 20]
        let w = Dictionary(uniqueKeysWithValues: Terms.weights(counts, df: df, documents: 1000).map { ($0.term, $0.weight) })
        #expect(abs(w["graph neural"]! - w["zebra"]!) < 1e-12)
        #expect(w["graph neural"]! > w["graph"]!)
        // Never rarer than one paper, never more common than its rarer word.
        let rare = Terms.weights(["zebra quagga": 1, "zebra": 1, "unseen": 1], df: ["zebra": 2, "quagga": 3], documents: 1_000_000)
        #expect(rare.map(\.term) == ["unseen", "zebra quagga", "zebra"] && abs(rare[0].weight - rare[1].weight) < 1e-12)
        let common = Terms.weights(["the model": 1, "model": 1], df: ["the": 1000, "model": 900], documents: 1000)
        #expect(abs(common[0].weight - common[1].weight) < 1e-12)
    }

    @Test func keywordsSkipWordsAlreadyInAChosenPhrase() {
        let k = Terms.keywords([("diffusion models", 0.6), ("diffusion", 0.5), ("video", 0.4), ("models", 0.3), ("editing", 0.2)], count: 3)
        #expect(k == ["diffusion models", "video", "editing"])
    }
}
