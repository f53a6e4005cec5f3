import DailyPapersCore
import Foundation

/// Reads one line of an arXiv metadata dump in JSON lines: Kaggle's `arxiv-metadata-oai-snapshot`
/// (authors as one string plus `authors_parsed`, space-separated categories, RFC 2822 version dates)
/// or the corpus format (authors and categories as arrays, `summary` for the abstract).
public enum ArxivJSONLReader {
    struct Line: Decodable {
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

        enum CodingKeys: String, CodingKey {
            case id, title, abstract, summary, authors, authors_parsed, categories, comments, comment, doi, versions, update_date
            case journalRef = "journal-ref"
        }
    }

    struct Version: Decodable {
        var version: String?
        var created: String?
    }

    /// Kaggle writes authors and categories as one string, the corpus as arrays.
    enum StringOrList: Decodable {
        case text(String)
        case list([String])
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { self = .text(s) } else { self = .list(try c.decode([String].self)) }
        }
        /// Categories: space-separated in the string form.
        var words: [String] {
            switch self {
            case .text(let s): return s.split(whereSeparator: \.isWhitespace).map(String.init)
            case .list(let l): return l
            }
        }
    }

    static let decoder = JSONDecoder()

    public static func paper(fromLine line: some DataProtocol) throws(IngestError) -> Paper {
        let l: Line
        do {
            l = try decoder.decode(Line.self, from: Data(line))
        } catch let error as DecodingError {
            throw IngestError(HFDailyPapersReader.describe(error))
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
