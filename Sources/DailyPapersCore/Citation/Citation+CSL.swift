import Foundation

extension Citation {
    /// CSL-JSON (Zotero, Pandoc, citeproc): an array of `article` items (CSL's type for preprints) with the arXiv id
    /// as `number` and arXiv as `publisher`, as Zotero exports a preprint.
    public static func cslJSON(_ papers: [Paper]) -> String {
        struct Item: Encodable {
            struct Person: Encodable {
                let family: String?
                let given: String?
                let literal: String?
            }
            struct Issued: Encodable { let dateParts: [[Int]]; enum CodingKeys: String, CodingKey { case dateParts = "date-parts" } }
            let id, type, title: String
            let author: [Person]
            let issued: Issued?
            let URL: String
            let DOI: String?
            let number, publisher, genre: String
            let abstract: String
        }
        let items = zip(papers, keys(papers)).map { paper, key in
            Item(id: key, type: "article", title: flattened(paper.title),
                 author: paper.authors.map { author in
                     let name = Name(author.name)
                     return name.given == nil ? .init(family: nil, given: nil, literal: name.family)
                                              : .init(family: name.family, given: name.given, literal: nil)
                 },
                 issued: date(paper).map { Item.Issued(dateParts: [[$0.year, $0.month, $0.day]]) },
                 URL: paper.links.abstract, DOI: paper.doi.flatMap { $0.isEmpty ? nil : $0 },
                 number: "arXiv:" + paper.id.base, publisher: "arXiv", genre: "Preprint", abstract: flattened(paper.abstract))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(items), as: UTF8.self)) ?? "[]"
    }

    /// Highwire Press meta tags, as Google Scholar's inclusion guidelines name them: title, each author in order,
    /// dates as YYYY/MM/DD, the arXiv id, the PDF and abstract pages, the DOI.
    public static func highwireTags(_ paper: Paper) -> [(name: String, content: String)] {
        var tags = [("citation_title", flattened(paper.title))]
        for author in paper.authors { tags.append(("citation_author", flattened(author.name))) }
        if let day = date(paper) {
            let text = "\(day.year)/\(CalendarDay.pad(day.month, 2))/\(CalendarDay.pad(day.day, 2))"
            tags.append(("citation_publication_date", text))
            tags.append(("citation_online_date", text))
        }
        tags.append(("citation_arxiv_id", paper.id.base))
        tags.append(("citation_pdf_url", paper.links.pdf))
        tags.append(("citation_abstract_html_url", paper.links.abstract))
        if let doi = paper.doi, !doi.isEmpty { tags.append(("citation_doi", doi)) }
        tags.append(("citation_publisher", "arXiv"))
        return tags
    }
}
