import DailyPapersCore
import Foundation

/// Reads arXiv API (`/api/query`) Atom responses: the 2016 and the current format.
public enum ArxivAtomReader {
    public struct Page: Sendable {
        public var papers: [Paper]
        public var problems: [RecordProblem]
        public var totalResults: Int?
        public var startIndex: Int?
        public var itemsPerPage: Int?
    }

    /// - Throws: `IngestError` when the document is not an arXiv Atom feed, or when it is the API's
    ///   error feed (a single entry titled "Error"), with arXiv's own message.
    public static func read(_ data: Data) throws(IngestError) -> Page {
        let root = try XMLNode.parse(unwrapRecordedResponse(data))
        guard root.name == "feed", root.namespace == Namespaces.atom else {
            throw IngestError("expected an Atom <feed> in namespace \(Namespaces.atom), found <\(root.name)>"
                + (root.namespace.isEmpty ? " without a namespace" : " in namespace \(root.namespace)"))
        }
        let entries = root.all("entry", Namespaces.atom)
        if let e = entries.first, e.value("title", Namespaces.atom) == "Error",
           (e.value("id", Namespaces.atom) ?? "").contains("/api/errors") {
            throw IngestError("arXiv API error: \(e.value("summary", Namespaces.atom) ?? "no message")")
        }
        var page = Page(papers: [], problems: [],
                        totalResults: root.value("totalResults", Namespaces.opensearch).flatMap { Int($0) },
                        startIndex: root.value("startIndex", Namespaces.opensearch).flatMap { Int($0) },
                        itemsPerPage: root.value("itemsPerPage", Namespaces.opensearch).flatMap { Int($0) })
        for (i, entry) in entries.enumerated() {
            do throws(IngestError) {
                page.papers.append(try paper(from: entry))
            } catch {
                page.problems.append(RecordProblem(record: "entry \(i + 1) (line \(entry.line))", reason: error.message))
            }
        }
        return page
    }

    static func paper(from e: XMLNode) throws(IngestError) -> Paper {
        guard let idText = e.value("id", Namespaces.atom) else { throw IngestError("no <id>") }
        guard let id = ArxivID(parsing: idText) else { throw IngestError("<id> '\(idText)' is not an arXiv id") }
        guard let title = e.value("title", Namespaces.atom) else { throw IngestError("no <title>") }
        let published = try date(e, "published")
        let updated = try date(e, "updated")
        let authors = e.all("author", Namespaces.atom).compactMap { a -> Author? in
            guard let name = a.value("name", Namespaces.atom) else { return nil }
            return Author(name: TextHelpers.unwrap(name),
                          affiliations: a.all("affiliation", Namespaces.arxivAtom).map(\.trimmedText).filter { !$0.isEmpty })
        }
        var categories: [String] = []
        if let primary = e.child("primary_category", Namespaces.arxivAtom)?.attributes["term"] { categories.append(primary) }
        for c in e.all("category", Namespaces.atom) {
            if let term = c.attributes["term"], !categories.contains(term) { categories.append(term) }
        }
        return Paper(
            id: id, title: TextHelpers.unwrap(title),
            abstract: TextHelpers.unwrap(e.value("summary", Namespaces.atom) ?? ""),
            authors: authors, categories: categories,
            firstVersionAt: published, latestVersionAt: updated ?? published,
            comment: e.value("comment", Namespaces.arxivAtom).map(TextHelpers.unwrap),
            journalRef: e.value("journal_ref", Namespaces.arxivAtom).map(TextHelpers.unwrap),
            doi: e.value("doi", Namespaces.arxivAtom))
    }

    static func date(_ e: XMLNode, _ name: String) throws(IngestError) -> Timestamp? {
        guard let text = e.value(name, Namespaces.atom) else { return nil }
        guard let t = Timestamp(iso8601: text) else { throw IngestError("<\(name)> '\(text)' is not an ISO 8601 date") }
        return t
    }

    /// Recorded API responses are sometimes saved as `{url, status_code, body}`; take the body.
    static func unwrapRecordedResponse(_ data: Data) -> Data {
        guard data.first == UInt8(ascii: "{"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let body = object["body"] as? String else { return data }
        return Data(body.utf8)
    }
}
