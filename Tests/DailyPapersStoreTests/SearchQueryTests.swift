import DailyPapersStore
import Testing

@Suite struct SearchQueryTests {
    @Test func quotesEveryTermAndKeepsPhrasesAndPrefixes() throws {
        #expect(try #require(SearchQuery("diffusion models")).match == #""diffusion" "models""#)
        #expect(try #require(SearchQuery(#""language models" diffus*"#)).match == #""language models" "diffus"*"#)
        // A chunk with inner punctuation stays one phrase, as the tokenizer reads "GPT-4" as "gpt 4".
        #expect(try #require(SearchQuery("NEAR(a b) OR x")).match == #""NEAR a" "b" "OR" "x""#)
        #expect(try #require(SearchQuery("GPT-4")).match == #""GPT 4""#)
        #expect(try #require(SearchQuery(#"say "unbalanced"#)).match == #""say" "unbalanced""#)
        #expect(SearchQuery("  *  %% ( ) ") == nil)
        #expect(SearchQuery("") == nil)
        #expect(try #require(SearchQuery(String(repeating: "w ", count: 100))).terms.count == 16)
    }
}
