import DailyPapersCore
@testable import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import Testing

/// The bulk paths that analyse text by bytes and numbers (`SearchAnalyzer`, `KeywordChunk`) give exactly what
/// the string paths give (`SearchRanking.Document`, `Terms`), on real abstracts and on texts built to differ.
@Suite struct TextAnalysisTests {
    static let crafted: [(title: String, abstract: String, authors: String)] = [
        ("Diffusion Models for Video. GPT-4, 2024", "We propose video diffusion. Diffusion models, 2024 and GPT-4; LLaMA-3.1-8B (ours): 3D scenes", "Ann Lee, Bo Chen"),
        ("Über die Müller-Transformation", "Résumé: naïve café models; Ångström units. Καλημέρα κόσμε, 深度学习 models", "José Núñez, Zoë Åberg"),
        ("", "", ""),
        ("   ", "one", "x"),
        ("THE The the a an", "the the THE", "The"),
        (String(repeating: "w", count: 41) + " " + String(repeating: "v", count: 40), String(repeating: "abcdefgh", count: 10) + " connections connected connecting", "A1 1a ab"),
        ("Trailing punctuation!? (Parenthesised) words: end.", "graph neural graph neural networks graph. neural networks", "Ümit Öz"),
        ("Mixed ascii and e\u{301}", "combining e\u{301} accents and ﬁ ligatures", "Renée"),
    ]

    static func fixturePapers() throws -> [(title: String, abstract: String, authors: String)] {
        let items = try JSONSerialization.jsonObject(with: Fixtures.data("hf-daily/2024-12-04.json")) as! [[String: Any]]
        let papers = items.map { item -> (String, String, String) in
            let paper = item["paper"] as! [String: Any]
            let authors = (paper["authors"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            return (paper["title"] as! String, paper["summary"] as! String, authors.joined(separator: ", "))
        }
        #expect(papers.count == 15)
        return papers + crafted
    }

    /// The search row from a document's strings, as the index made it before `SearchAnalyzer`: the reference.
    static func row(_ document: SearchRanking.Document) -> SearchIndex.Prepared {
        SearchIndex.Prepared(length: document.length, sequence: document.fields.map { $0.joined(separator: " ") }.joined(separator: " | "))
    }

    @Test func theSearchAnalyzerMakesTheRowsTheDocumentMakes() throws {
        var analyzer = SearchAnalyzer()
        // Twice through one analyzer: the second time every word is already numbered and stemmed.
        for (title, abstract, authors) in try Self.fixturePapers() + Self.fixturePapers() {
            let expected = Self.row(SearchRanking.Document(title: title, abstract: abstract, authors: authors))
            #expect(analyzer.prepare(title: title, abstract: abstract, authors: authors) == expected)
        }
    }

    @Test func aKeywordChunkCountsAndWeighsAsTermsDoes() throws {
        let papers = try Self.fixturePapers()
        var chunk = KeywordChunk()
        var df: [String: Int] = [:]
        for (i, paper) in papers.enumerated() {
            chunk.add(id: "p\(i)", title: paper.title, abstract: paper.abstract)
            for term in Terms.counts(title: paper.title, abstract: paper.abstract).keys where Terms.isWord(term) { df[term, default: 0] += 1 }
        }
        // A paper added again keeps its last text.
        chunk.add(id: "p0", title: papers[0].title, abstract: papers[0].abstract)
        #expect(chunk.count == papers.count)
        // Counts as in the database: these papers' own, plus earlier papers' for some words.
        df["models", default: 0] += 500
        df["video", default: 0] += 40
        let documents = papers.count + 1000
        var containing = [Double](repeating: 1, count: chunk.words.count)
        for n in 0..<chunk.words.count { containing[n] = Double(max(df[chunk.words.string(Int32(n))] ?? 1, 1)) }
        for (i, paper) in papers.enumerated() {
            let counted = chunk.papers[i]
            #expect(counted.id == "p\(i)")
            let counts = Terms.counts(title: paper.title, abstract: paper.abstract)
            let numbered = Dictionary(uniqueKeysWithValues: counted.terms.map { (chunk.text($0), Int($0 & KeywordTerm.countMask)) })
            #expect(numbered == counts)
            let expected = Terms.weights(counts, df: df, documents: documents, keep: 30)
            let weighing = KeywordChunk.Weighing(df: containing, documents: documents)
            let weighed = chunk.weights(counted, weighing: weighing, keep: 30)
            #expect(weighed.map(\.term) == expected.map(\.term))
            #expect(weighed.map(\.weight) == expected.map(\.weight))
            #expect(chunk.keywords(counted, weighing: weighing, keep: 30) == Terms.keywords(expected))
        }
    }

    /// A bulk import counts keyword terms as the analyzer reads the words (by the analyzer's numbers for them): the
    /// same terms and counts as a chunk reading each paper itself, across analyzer tables replaced midway.
    @Test func wordsCountedWhileAnalysingAreTheWordsAChunkCounts() throws {
        let papers = try Self.fixturePapers().enumerated().map { i, p in
            Paper(id: ArxivID(parsing: String(format: "2501.%05d", i))!, title: p.title, abstract: p.abstract,
                  authors: p.authors.split(separator: ",").map { Author(name: String($0)) })
        }
        var alone = KeywordChunk()
        for paper in papers + papers.prefix(3) { alone.add(paper) }
        var analyzer = SearchAnalyzer(), counted = KeywordChunk()
        _ = PaperBatch(papers, analyzer: &analyzer, keywords: &counted)
        analyzer = SearchAnalyzer()
        _ = PaperBatch(Array(papers.prefix(3)), analyzer: &analyzer, keywords: &counted)
        #expect(counted.count == alone.count)
        for (a, b) in zip(alone.papers, counted.papers) {
            #expect(a.id == b.id)
            #expect(Set(a.terms.map { alone.text($0) + ":\($0 & KeywordTerm.countMask)" }) == Set(b.terms.map { counted.text($0) + ":\($0 & KeywordTerm.countMask)" }))
        }
    }

    @Test func aByteTableNumbersEachStringOnceAndSortsThemAsStrings() {
        var table = ByteTable()
        let words = (0..<5000).map { "w\($0 * 7919 % 5000)" } + ["", "a", "ab", "a b", "é", "z"]
        var numbers: [String: Int32] = [:]
        for word in words + words {
            let n = table.number(word)
            if let known = numbers[word] { #expect(n == known) } else { numbers[word] = n }
        }
        #expect(table.count == Set(words).count)
        for (word, n) in numbers { #expect(table.string(n) == word) }
        let sorted = numbers.values.sorted { table.precedes($0, $1) }.map { table.string($0) }
        #expect(sorted == numbers.keys.sorted())
        var missing = Array("absent".utf8)
        #expect(missing.withUnsafeMutableBufferPointer { table.find(UnsafeBufferPointer($0)) } == nil)
    }
}
