import DailyPapersCore
import Foundation

/// Reads OAI-PMH `ListRecords` and `GetRecord` responses from arXiv in the `arXiv`, `arXivRaw`
/// and `oai_dc` metadata formats.
public enum OAIPMHReader {
    public struct Page: Sendable {
        public var papers: [Paper] = []
        public var deleted: [ArxivID] = []
        public var problems: [RecordProblem] = []
        /// Present while more pages follow.
        public var resumptionToken: String?
        public var completeListSize: Int?
        /// The latest header datestamp seen: where an incremental harvest resumes next time.
        public var latestDatestamp: String?
    }

    public static func read(_ data: Data) throws(IngestError) -> Page {
        let root = try XMLNode.parse(data)
        guard root.name == "OAI-PMH", root.namespace == Namespaces.oai else {
            throw IngestError("expected an <OAI-PMH> document in namespace \(Namespaces.oai), found <\(root.name)>"
                + (root.namespace.isEmpty ? " without a namespace" : " in namespace \(root.namespace)"))
        }
        var page = Page()
        if let error = root.child("error", Namespaces.oai) {
            let code = error.attributes["code"] ?? "unknown"
            // "No records match" is the normal answer of an incremental harvest with nothing new.
            if code == "noRecordsMatch" { return page }
            throw IngestError("OAI-PMH error \(code): \(error.trimmedText)")
        }
        guard let list = root.child("ListRecords", Namespaces.oai) ?? root.child("GetRecord", Namespaces.oai) else {
            throw IngestError("the response holds neither ListRecords nor GetRecord")
        }
        for (i, record) in list.all("record", Namespaces.oai).enumerated() {
            let header = record.child("header", Namespaces.oai)
            let identifier = header?.value("identifier", Namespaces.oai)
            let label = "record \(i + 1) \(identifier ?? "without identifier") (line \(record.line))"
            if let stamp = header?.value("datestamp", Namespaces.oai), stamp > (page.latestDatestamp ?? "") {
                page.latestDatestamp = stamp
            }
            if header?.attributes["status"] == "deleted" {
                if let id = identifier.flatMap(idFromOAIIdentifier) { page.deleted.append(id) }
                continue
            }
            do throws(IngestError) {
                page.papers.append(try paper(record, identifier: identifier))
            } catch {
                page.problems.append(RecordProblem(record: label, reason: error.message))
            }
        }
        if let token = list.child("resumptionToken", Namespaces.oai) {
            let text = token.trimmedText
            page.resumptionToken = text.isEmpty ? nil : text
            page.completeListSize = token.attributes["completeListSize"].flatMap { Int($0) }
        }
        return page
    }

    static func idFromOAIIdentifier(_ identifier: String) -> ArxivID? {
        // oai:arXiv.org:0811.3648, oai:arXiv.org:hep-th/9901001
        guard let r = identifier.range(of: "arXiv.org:", options: .caseInsensitive) else { return ArxivID(parsing: identifier) }
        return ArxivID(parsing: String(identifier[r.upperBound...]))
    }

    static func paper(_ record: XMLNode, identifier: String?) throws(IngestError) -> Paper {
        guard let metadata = record.child("metadata", Namespaces.oai)?.children.first else { throw IngestError("no <metadata>") }
        switch (metadata.namespace, metadata.name) {
        case (Namespaces.oaiArXiv, _): return try arXivFormat(metadata, Namespaces.oaiArXiv)
        case (Namespaces.oaiArXivRaw, _): return try arXivRawFormat(metadata, Namespaces.oaiArXivRaw)
        case (Namespaces.oaiDC, _): return try dublinCore(metadata, identifier: identifier)
        // Some recorded responses lost the format's xmlns, so the element sits in the OAI namespace:
        // recognise the format by its element name then.
        case (Namespaces.oai, "arXiv"): return try arXivFormat(metadata, Namespaces.oai)
        case (Namespaces.oai, "arXivRaw"): return try arXivRawFormat(metadata, Namespaces.oai)
        default: throw IngestError("unknown metadata format <\(metadata.name)> in namespace '\(metadata.namespace)'")
        }
    }

    static func requiredID(_ m: XMLNode, _ ns: String) throws(IngestError) -> ArxivID {
        guard let text = m.value("id", ns) else { throw IngestError("no <id>") }
        guard let id = ArxivID(parsing: text) else { throw IngestError("<id> '\(text)' is not an arXiv id") }
        return id
    }

    static func categories(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
    }

    static func isoDay(_ m: XMLNode, _ name: String, _ ns: String) throws(IngestError) -> Timestamp? {
        guard let text = m.value(name, ns) else { return nil }
        guard let t = Timestamp(iso8601: text) else { throw IngestError("<\(name)> '\(text)' is not a date") }
        return t
    }

    /// `metadataPrefix=arXiv`: structured authors with affiliations, created/updated days.
    static func arXivFormat(_ m: XMLNode, _ ns: String) throws(IngestError) -> Paper {
        let id = try requiredID(m, ns)
        guard let title = m.value("title", ns) else { throw IngestError("no <title>") }
        let authors = (m.child("authors", ns)?.all("author", ns) ?? []).map { a in
            let name = [a.value("forenames", ns), a.value("keyname", ns), a.value("suffix", ns)].compactMap { $0 }.joined(separator: " ")
            return Author(name: TextHelpers.unwrap(name), affiliations: a.all("affiliation", ns).map(\.trimmedText))
        }
        let created = try isoDay(m, "created", ns)
        return Paper(id: id, title: TextHelpers.unwrap(title), abstract: TextHelpers.unwrap(m.value("abstract", ns) ?? ""),
                     authors: authors, categories: categories(m.value("categories", ns)),
                     firstVersionAt: created, latestVersionAt: try isoDay(m, "updated", ns) ?? created,
                     comment: m.value("comments", ns).map(TextHelpers.unwrap), journalRef: m.value("journal-ref", ns).map(TextHelpers.unwrap),
                     doi: m.value("doi", ns))
    }

    /// `metadataPrefix=arXivRaw`: every version with its RFC 2822 date; authors as one string.
    static func arXivRawFormat(_ m: XMLNode, _ ns: String) throws(IngestError) -> Paper {
        var id = try requiredID(m, ns)
        guard let title = m.value("title", ns) else { throw IngestError("no <title>") }
        var dates: [Timestamp] = []
        var latestVersion = 0
        for v in m.all("version", ns) {
            guard let text = v.value("date", ns) else { continue }
            guard let t = Timestamp(rfc2822: text) else { throw IngestError("version date '\(text)' is not an RFC 2822 date") }
            dates.append(t)
            if let n = Int((v.attributes["version"] ?? "").dropFirst()) { latestVersion = max(latestVersion, n) }
        }
        if latestVersion > 0 { id = ArxivID(base: id.base, version: latestVersion) }
        return Paper(id: id, title: TextHelpers.unwrap(title), abstract: TextHelpers.unwrap(m.value("abstract", ns) ?? ""),
                     authors: AuthorList.split(m.value("authors", ns) ?? "").map { Author(name: $0) },
                     categories: categories(m.value("categories", ns)),
                     firstVersionAt: dates.min(), latestVersionAt: dates.max(),
                     comment: m.value("comments", ns).map(TextHelpers.unwrap), journalRef: m.value("journal-ref", ns).map(TextHelpers.unwrap),
                     doi: m.value("doi", ns))
    }

    /// `oai_dc`: the fallback every OAI-PMH server speaks; creators are "Last, First".
    static func dublinCore(_ m: XMLNode, identifier: String?) throws(IngestError) -> Paper {
        let ns = Namespaces.dc
        let fromIdentifiers = m.all("identifier", ns).lazy.compactMap { ArxivID(parsing: $0.trimmedText) }.first
        guard let id = fromIdentifiers ?? identifier.flatMap(idFromOAIIdentifier) else { throw IngestError("no arXiv id in <dc:identifier> or the header") }
        guard let title = m.value("title", ns) else { throw IngestError("no <dc:title>") }
        let authors = m.all("creator", ns).map { c -> Author in
            let parts = c.trimmedText.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return Author(name: parts.count == 2 ? "\(parts[1]) \(parts[0])" : c.trimmedText)
        }
        let dates = m.all("date", ns).compactMap { Timestamp(iso8601: $0.trimmedText) }
        return Paper(id: id, title: TextHelpers.unwrap(title), abstract: TextHelpers.unwrap(m.value("description", ns) ?? ""),
                     authors: authors, firstVersionAt: dates.min(), latestVersionAt: dates.max())
    }
}

/// arXiv's author strings: "A. One, B. Two and C. Three", sometimes with "(Affiliation)" groups.
public enum AuthorList {
    public static func split(_ text: String) -> [String] {
        var depth = 0
        var current = ""
        var names: [String] = []
        let normalized = TextHelpers.unwrap(text)
        for ch in normalized {
            if ch == "(" { depth += 1 } else if ch == ")" { depth = max(0, depth - 1) }
            if ch == ",", depth == 0 {
                names.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        names.append(current)
        return names.flatMap { part -> [String] in
            // "B and C" in the last group.
            part.components(separatedBy: " and ")
        }
        .map { $0.replacingOccurrences(of: #"\s*\([^)]*\)"#, with: "", options: .regularExpression).trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty && $0.lowercased() != "and" }
    }
}
