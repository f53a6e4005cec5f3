import DailyPapersCore

/// Every link the site prints is built from one of these, so a URL scheme change happens in one place.
enum SiteRoute: Hashable {
    case home
    case feed(FeedPeriod, sort: FeedSort)
    case latest(sort: FeedSort)
    case paper(ArxivID)
    case paperMarkdown(ArxivID)
    case search(query: String)
    case stylesheet(version: String)
    case script(version: String)
    case user(String)
    case apiDailyPapers
    case apiPaper(ArxivID)

    var path: String {
        switch self {
        case .home: return "/"
        case .latest(let sort): return "/papers" + Self.sortQuery(sort)
        case .feed(let period, let sort):
            let kind: String
            switch period {
            case .day: kind = "date"
            case .week: kind = "week"
            case .month: kind = "month"
            }
            return "/papers/\(kind)/\(period.key)" + Self.sortQuery(sort)
        case .paper(let id): return "/papers/\(id.base)"
        case .paperMarkdown(let id): return "/papers/\(id.base).md"
        case .search(let q): return "/search?q=" + Self.percentEncode(q)
        case .stylesheet(let v): return "/static/app.css?v=\(v)"
        case .script(let v): return "/static/app.js?v=\(v)"
        case .user(let name): return "/users/" + Self.percentEncode(name)
        case .apiDailyPapers: return "/api/daily_papers"
        case .apiPaper(let id): return "/api/papers/\(id.base)"
        }
    }

    private static func sortQuery(_ sort: FeedSort) -> String {
        sort == .upvotes ? "" : "?sort=\(sort.rawValue)"
    }

    static func percentEncode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
