import DailyPapersCore
import Foundation

/// Reads one Hugging Face `/api/daily_papers` response (in any of the shapes found in the wild)
/// into featured papers. Pure: bytes in, values or a precise error out.
public enum HFDailyPapersReader {
    public struct Result: Sendable {
        /// The day the list was published for, when the file says it (name or wrapper).
        public var day: CalendarDay?
        public var papers: [FeaturedPaper]
    }

    /// - Parameter fileName: used for the featured day when it holds a `YYYY-MM-DD` date.
    public static func read(_ data: Data, fileName: String) throws(IngestError) -> Result {
        let decoder = JSONDecoder()
        let items: [HFDailyItemJSON]
        var day = dayInFileName(fileName)
        let top = try parseJSON(data)
        if top is [Any] {
            items = try decode([HFDailyItemJSON].self, from: data, using: decoder, first: top)
        } else if let object = top as? [String: Any], object["data"] != nil {
            let wrapper = try decode(HFWrapperJSON.self, from: data, using: decoder, first: object["data"] as Any)
            if day == nil, let d = wrapper.date { day = CalendarDay(iso: d.prefix(10)) }
            items = wrapper.data
        } else {
            throw IngestError("expected a JSON array of daily papers or a {status, date, count, data} object, found \(kind(of: top))")
        }
        var papers: [FeaturedPaper] = []
        papers.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            do throws(IngestError) {
                papers.append(try featuredPaper(from: item, fileDay: day))
            } catch {
                throw IngestError("item \(index + 1): \(error.message)")
            }
        }
        return Result(day: day, papers: papers)
    }

    static func parseJSON(_ data: Data) throws(IngestError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo["NSDebugDescription"] as? String ?? "\(error)"
            let hint = data.isEmpty ? "the file is empty" : "not valid JSON (\(detail))"
            throw IngestError(hint + (looksTruncated(data) ? "; the file looks truncated" : ""))
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, from data: Data, using decoder: JSONDecoder, first: Any) throws(IngestError) -> T {
        // Python-repr dumps (a JSON array of strings like "{'paper': {'id': ...") are a known recorder
        // bug: say so instead of reporting a type mismatch.
        if let array = first as? [Any], let s = array.first as? String {
            throw IngestError(s.hasPrefix("{'") ? "items are Python repr strings, not JSON objects (the recorder saved str(dict)); re-export the file as JSON" : "items are strings, not JSON objects")
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw IngestError(describe(error))
        } catch {
            throw IngestError("\(error)")
        }
    }

    static func featuredPaper(from item: HFDailyItemJSON, fileDay: CalendarDay?) throws(IngestError) -> FeaturedPaper {
        let p = item.paper
        guard let id = ArxivID(parsing: p.id) else { throw IngestError("paper.id '\(p.id)' is not an arXiv id") }
        let submittedText = p.submittedOnDailyAt ?? item.publishedAt
        let submittedAt = try submittedText.map { (t: String) throws(IngestError) -> Timestamp in
            guard let ts = Timestamp(iso8601: t) else { throw IngestError("date '\(t)' is not ISO 8601") }
            return ts
        }
        guard let day = fileDay ?? item.publishedAt.flatMap(Timestamp.init(iso8601:)).map(CalendarDay.init(utcOf:)) else {
            throw IngestError("no featured day: the file name has no date and the item has no publishedAt")
        }
        let authors = p.authors.map { a in
            Author(name: TextHelpers.unwrap(a.name), hfID: a._id, hidden: a.hidden ?? false, user: a.user.flatMap(userRef),
                   status: a.status, statusChangedAt: a.statusLastChangedAt.flatMap(Timestamp.init(iso8601:)))
        }
        let paper = Paper(
            id: ArxivID(base: id.base, version: id.version),
            title: TextHelpers.unwrap(p.title),
            abstract: TextHelpers.unwrap(p.summary),
            authors: authors,
            firstVersionAt: p.publishedAt.flatMap(Timestamp.init(iso8601:)),
            githubRepo: LinkFinder.webURL(p.githubRepo),
            projectPage: LinkFinder.webURL(p.projectPage),
            thumbnailURL: nonEmpty(item.thumbnail),
            aiSummary: nonEmpty(p.ai_summary),
            aiKeywords: p.ai_keywords ?? [],
            discussionID: p.discussionId
        )
        return FeaturedPaper(
            paper: paper, day: day,
            submittedAt: submittedAt ?? day.startTimestamp,
            submittedBy: (item.submittedBy ?? p.submittedOnDailyBy).flatMap(userRef),
            upvotes: p.upvotes ?? 0,
            numComments: item.numComments ?? 0,
            isAuthorParticipating: item.isAuthorParticipating ?? false
        )
    }

    static func userRef(_ u: HFUserJSON) -> UserRef? {
        guard let username = u.user ?? u.name, !username.isEmpty else { return nil }
        return UserRef(username: username, fullname: u.fullname ?? username, hfID: u._id, avatarURL: u.avatarUrl,
                       kind: u.type ?? "user", isPro: u.isPro ?? false)
    }

    /// `2024-12-04.json`, `daily_papers_2024-03-12.json`: the last `YYYY-MM-DD` in the name.
    public static func dayInFileName(_ name: String) -> CalendarDay? {
        let u = Array(name.utf8)
        guard u.count >= 10 else { return nil }
        for start in stride(from: u.count - 10, through: 0, by: -1) {
            if let d = CalendarDay(iso: String(decoding: u[start..<(start + 10)], as: UTF8.self)) { return d }
        }
        return nil
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let s = s?.trimmingCharacters(in: .whitespacesAndNewlines), !s.isEmpty else { return nil }
        return s
    }

    static func looksTruncated(_ data: Data) -> Bool {
        guard let last = data.last(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else { return false }
        return last != UInt8(ascii: "]") && last != UInt8(ascii: "}")
    }

    static func kind(of value: Any) -> String {
        switch value {
        case is [String: Any]: return "an object without a 'data' array"
        case is String: return "a string"
        case is NSNumber: return "a number"
        default: return "null"
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            var out = ""
            for key in ctx.codingPath {
                if let i = key.intValue { out += "[\(i + 1)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
            }
            return out.isEmpty ? "top level" : out
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            return "\(path(ctx)): required field '\(key.stringValue)' is missing"
        case .typeMismatch(let type, let ctx), .valueNotFound(let type, let ctx):
            return "\(path(ctx)): expected \(type)"
        case .dataCorrupted(let ctx):
            return "\(path(ctx)): \(ctx.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// A reader's refusal, with the reason a user can act on. Where (file, line) is added by the caller.
public struct IngestError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
