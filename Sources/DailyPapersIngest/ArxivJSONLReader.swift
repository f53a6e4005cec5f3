import DailyPapersCore
import Foundation

/// Reads one line of an arXiv metadata dump in JSON lines: Kaggle's `arxiv-metadata-oai-snapshot`
/// (authors as one string plus `authors_parsed`, space-separated categories, RFC 2822 version dates)
/// or the corpus format (authors and categories as arrays, `summary` for the abstract).
public enum ArxivJSONLReader {
    /// The fields a line may have; others are skipped.
    struct Line {
        var id: String?
        var title: String?
        var abstract: String?
        var summary: String?
        var authors: StringOrList?
        var authors_parsed: [[String]]?
        var categories: StringOrList?
        var comments: String?
        var comment: String?
        var journalRef: String?
        var doi: String?
        var versions: [Version]?
        var update_date: String?

        /// Reads a line's one JSON object (`JSONScanner`: the strings it keeps, nothing else built).
        init(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONScanner.Failure) {
            var scanner = JSONScanner(bytes)
            try scanner.forEachMember { s, key throws(JSONScanner.Failure) in
                switch String(decoding: key, as: UTF8.self) {
                case "id": id = try s.optionalString("id")
                case "title": title = try s.optionalString("title")
                case "abstract": abstract = try s.optionalString("abstract")
                case "summary": summary = try s.optionalString("summary")
                case "comments": comments = try s.optionalString("comments")
                case "comment": comment = try s.optionalString("comment")
                case "journal-ref": journalRef = try s.optionalString("journal-ref")
                case "doi": doi = try s.optionalString("doi")
                case "update_date": update_date = try s.optionalString("update_date")
                case "authors": authors = try StringOrList(&s, "authors")
                case "categories": categories = try StringOrList(&s, "categories")
                case "authors_parsed":
                    if try s.null() { authors_parsed = nil; return }
                    var parsed: [[String]] = []
                    try s.forEachElement { s throws(JSONScanner.Failure) in
                        var name: [String] = []
                        try s.forEachElement { s throws(JSONScanner.Failure) in
                            if let part = try s.optionalString("authors_parsed") { name.append(part) }
                        }
                        parsed.append(name)
                    }
                    authors_parsed = parsed
                case "versions":
                    if try s.null() { versions = nil; return }
                    var list: [Version] = []
                    try s.forEachElement { s throws(JSONScanner.Failure) in
                        var v = Version()
                        try s.forEachMember { s, key throws(JSONScanner.Failure) in
                            switch String(decoding: key, as: UTF8.self) {
                            case "version": v.version = try s.optionalString("version")
                            case "created": v.created = try s.optionalString("created")
                            default: try s.skipValue()
                            }
                        }
                        list.append(v)
                    }
                    versions = list
                default: try s.skipValue()
                }
            }
            scanner.skipSpace()
            guard scanner.atEnd else { throw JSONScanner.Failure(message: "not valid JSON (more after the object)") }
        }
    }

    struct Version {
        var version: String?
        var created: String?
    }

    /// Kaggle writes authors and categories as one string, the corpus as arrays.
    enum StringOrList {
        case text(String)
        case list([String])

        /// A string, an array of strings, or nil for `null`.
        init?(_ s: inout JSONScanner, _ key: String) throws(JSONScanner.Failure) {
            if try s.null() { return nil }
            guard s.peek() == 0x5B else {
                self = .text(try s.optionalString(key) ?? "")
                return
            }
            var list: [String] = []
            try s.forEachElement { s throws(JSONScanner.Failure) in
                guard let item = try s.optionalString(key) else { throw JSONScanner.Failure(message: "\"\(key)\" holds a null") }
                list.append(item)
            }
            self = .list(list)
        }

        /// Categories: space-separated in the string form.
        var words: [String] {
            switch self {
            case .text(let s): return s.split(whereSeparator: \.isWhitespace).map(String.init)
            case .list(let l): return l
            }
        }
    }

    public static func paper(fromLine line: some DataProtocol) throws(IngestError) -> Paper {
        let l: Line
        do {
            l = try (line.withContiguousStorageIfAvailable { try Line($0) } ?? Array(line).withUnsafeBufferPointer { try Line($0) })
        } catch let failure as JSONScanner.Failure {
            throw IngestError(failure.message)
        } catch {
            throw IngestError("not valid JSON")
        }
        guard let idText = l.id, !idText.isEmpty else { throw IngestError("no \"id\"") }
        guard let id = ArxivID(parsing: idText) else { throw IngestError("\"id\" '\(idText)' is not an arXiv id") }
        guard let title = l.title, !title.isEmpty else { throw IngestError("no \"title\"") }
        var dates: [Timestamp] = []
        var latest = 0
        for v in l.versions ?? [] {
            guard let created = v.created else { continue }
            guard let t = Timestamp(rfc2822: created) else { throw IngestError("version date '\(created)' is not an RFC 2822 date") }
            dates.append(t)
            if let n = Int((v.version ?? "").dropFirst()) { latest = max(latest, n) }
        }
        var updated = dates.max()
        if updated == nil, let u = l.update_date {
            guard let t = Timestamp(iso8601: u) else { throw IngestError("\"update_date\" '\(u)' is not a date") }
            updated = t
        }
        return Paper(
            id: latest > 0 ? ArxivID(base: id.base, version: latest) : id,
            title: TextHelpers.unwrap(title),
            abstract: TextHelpers.unwrap(l.abstract ?? l.summary ?? ""),
            authors: authors(l).map { Author(name: $0) },
            categories: l.categories?.words ?? [],
            firstVersionAt: dates.min(), latestVersionAt: updated,
            comment: (l.comments ?? l.comment).map(TextHelpers.unwrap),
            journalRef: l.journalRef.map(TextHelpers.unwrap), doi: l.doi)
    }

    static func authors(_ l: Line) -> [String] {
        // `authors_parsed` is [last, first, suffix]: more reliable than splitting the display string.
        if let parsed = l.authors_parsed, !parsed.isEmpty {
            return parsed.map { p in
                let last = p.first ?? "", first = p.count > 1 ? p[1] : "", suffix = p.count > 2 ? p[2] : ""
                return [first, last, suffix].filter { !$0.isEmpty }.joined(separator: " ")
            }.map(TextHelpers.unwrap)
        }
        switch l.authors {
        case .list(let names): return names.map(TextHelpers.unwrap)
        case .text(let s): return AuthorList.split(s)
        case nil: return []
        }
    }
}
