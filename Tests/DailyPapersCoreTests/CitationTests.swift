import DailyPapersCore
import Foundation
import Testing

@Suite struct CitationTests {
    func paper(_ title: String, authors: [String], abstract: String = "An abstract.", id: String = "2501.00001",
                      day: String = "2025-01-02") -> Paper {
        Paper(id: ArxivID(parsing: id)!, title: title, abstract: abstract, authors: authors.map { Author(name: $0) },
              categories: ["cs.CL", "cs.LG"], firstVersionAt: Timestamp(iso8601: day))
    }

    @Test func namesSplitAsReferenceFormatsWantThem() {
        func split(_ s: String) -> [String?] { let n = Citation.Name(s); return [n.family, n.given] }
        #expect(split("Ashish Vaswani") == ["Vaswani", "Ashish"])
        #expect(split("Ludwig van Beethoven") == ["van Beethoven", "Ludwig"])
        #expect(split("van der Maaten, Laurens") == ["van der Maaten", "Laurens"])
        #expect(split("OpenAI") == ["OpenAI", nil])
        #expect(split("  Jean-Luc\n Picard ") == ["Picard", "Jean-Luc"])
    }

    /// A title or author built to break the file: BibTeX's braces stay balanced and no value ends its field; RIS
    /// keeps one tag a line and one end of record; CSL-JSON stays JSON.
    @Test func hostileTextCannotBreakAFile() throws {
        let evil = paper("A } title, note = {injected} % with \\ and $x^2$ and # & _ ~\nER  - ",
                         authors: ["Research and Development Team", "Eve }{ Mallory"],
                         abstract: "Line one\nTY  - JOUR\nER  - ")
        let bib = Citation.bibtex([evil])
        var depth = 0, escaped = false
        for c in bib {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if c == "{" { depth += 1 }
            if c == "}" { depth -= 1; #expect(depth >= 0) }
        }
        #expect(depth == 0)
        #expect(!bib.contains("note = {injected}"))
        #expect(bib.contains("author = {{Research and Development Team} and Eve \\}\\{ Mallory}"))
        #expect(bib.split(separator: "\n").filter { $0.hasPrefix("  ") }.count == 8)

        let ris = Citation.ris([evil])
        let lines = ris.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast()
        for line in lines {
            let tag = Array(line.utf8.prefix(6))
            #expect(tag.count == 6 && (65...90).contains(tag[0]) && String(decoding: tag[2...], as: UTF8.self) == "  - ", "\(line)")
        }
        let ends = lines.filter { $0.hasPrefix("ER  - ") }.count, starts = lines.filter { $0.hasPrefix("TY  - ") }.count
        #expect(ends == 1 && starts == 1)

        let json = try JSONSerialization.jsonObject(with: Data(Citation.cslJSON([evil]).utf8)) as? [[String: Any]]
        #expect(json?.first?["title"] as? String == "A } title, note = {injected} % with \\ and $x^2$ and # & _ ~ ER -")
        #expect((json?.first?["author"] as? [[String: String]])?.first?["family"] == "Team")
    }

    @Test func keysAreReadableAndDistinct() {
        let a = paper("Attention Is All You Need", authors: ["Ashish Vaswani"], day: "2017-06-12")
        let b = paper("Attention Is All You Need", authors: ["Ashish Vaswani"], id: "2501.00002", day: "2017-06-12")
        let c = paper("Über Alles", authors: ["Jürgen Müller"], id: "2501.00003")
        let bib = Citation.bibtex([a, b, c])
        #expect(bib.contains("@misc{vaswani2017attention,"))
        #expect(bib.contains("@misc{vaswani2017attentiona,"))
        #expect(bib.contains("@misc{muller2025uber,"))
        #expect(bib.contains("  eprint = {2501.00001},\n  archivePrefix = {arXiv},\n  primaryClass = {cs.CL},"))
        #expect(bib.contains("  month = jun,"))
    }

    @Test func highwireTagsNameEveryAuthorInOrder() {
        let p = paper("A Title", authors: ["B One", "A Two", "C Three"])
        let tags = Citation.highwireTags(p)
        let authors: [String] = tags.filter { $0.name == "citation_author" }.map { $0.content }
        #expect(authors == ["B One", "A Two", "C Three"])
        #expect(tags.first { $0.name == "citation_publication_date" }?.content == "2025/01/02")
        #expect(tags.first { $0.name == "citation_pdf_url" }?.content == "https://arxiv.org/pdf/2501.00001")
    }
}
