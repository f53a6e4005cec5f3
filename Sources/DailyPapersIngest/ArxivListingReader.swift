import DailyPapersCore
import Foundation

/// Reads arXiv's daily listing feeds (`rss.arxiv.org/rss/cs.LG` and `/atom/cs.LG`).
public enum ArxivListingReader {
    public enum AnnounceType: String, Sendable {
        case new, cross, replace
        case replaceCross = "replace-cross"
    }

    public struct Item: Sendable {
        public var paper: Paper
        public var announceType: AnnounceType
        /// The announcement day.
        public var announcedAt: Timestamp?
    }

    public struct Listing: Sendable {
        public var items: [Item] = []
        public var problems: [RecordProblem] = []
    }

    public static func read(_ data: Data) throws(IngestError) -> Listing {
        let root = try XMLNode.parse(data)
        if root.name == "rss", let channel = root.child("channel") {
            return collect(channel.all("item"), format: .rss)
        }
        if root.name == "feed", root.namespace == Namespaces.atom {
            return collect(root.all("entry", Namespaces.atom), format: .atom)
        }
        throw IngestError("expected an RSS 2.0 <rss> or Atom <feed> listing, found <\(root.name)>")
    }

    enum Format { case rss, atom }

    static func collect(_ nodes: [XMLNode], format: Format) -> Listing {
        var listing = Listing()
        for (i, node) in nodes.enumerated() {
            do throws(IngestError) {
                listing.items.append(try item(node, format: format))
            } catch {
                listing.problems.append(RecordProblem(record: "item \(i + 1) (line \(node.line))", reason: error.message))
            }
        }
        return listing
    }

    static func item(_ n: XMLNode, format: Format) throws(IngestError) -> Item {
        let ns = format == .atom ? Namespaces.atom : ""
        let idText = format == .atom ? n.value("id", ns) : (n.value("guid") ?? n.value("link"))
        guard let idText else { throw IngestError("no id (<guid> or <id>)") }
        guard let id = ArxivID(parsing: idText.replacingOccurrences(of: "oai:arXiv.org:", with: "")) else {
            throw IngestError("'\(idText)' is not an arXiv id")
        }
        guard let title = n.value("title", ns) else { throw IngestError("no <title>") }
        let body = (format == .atom ? n.value("summary", ns) : n.value("description")) ?? ""
        let typeText = n.value("announce_type", Namespaces.arxivAtom) ?? announceType(inSummary: body) ?? ""
        guard let type = AnnounceType(rawValue: typeText) else { throw IngestError("unknown announce type '\(typeText)'") }
        let categories = format == .atom
            ? n.all("category", ns).compactMap { $0.attributes["term"] }
            : n.all("category").map(\.trimmedText)
        let dateText = format == .atom ? n.value("published", ns) : n.value("pubDate")
        let announced = dateText.flatMap { Timestamp(iso8601: $0) ?? Timestamp(rfc2822: $0) }
        let creators = n.value("creator", Namespaces.dc) ?? ""
        return Item(
            paper: Paper(id: id, title: TextHelpers.unwrap(title), abstract: abstract(from: body),
                         authors: AuthorList.split(creators).map { Author(name: $0) }, categories: categories,
                         journalRef: n.value("journal_reference", Namespaces.arxivAtom),
                         doi: n.value("DOI", Namespaces.arxivAtom)),
            announceType: type, announcedAt: announced)
    }

    /// "arXiv:2504.17830v1 Announce Type: new \nAbstract: We introduce ..." -> "We introduce ..."
    static func abstract(from body: String) -> String {
        guard let r = body.range(of: "Abstract:") else { return TextHelpers.unwrap(body) }
        return TextHelpers.unwrap(String(body[r.upperBound...]))
    }

    static func announceType(inSummary body: String) -> String? {
        guard let r = body.range(of: "Announce Type:") else { return nil }
        return body[r.upperBound...].split(whereSeparator: \.isWhitespace).first.map(String.init)
    }
}
