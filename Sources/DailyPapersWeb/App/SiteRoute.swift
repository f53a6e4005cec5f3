import DailyPapersCore

/// The links the site prints that carry values, built on the paths `Route` declares.
enum SiteRoute: Hashable {
    case home
    /// A feed page; `code`: only papers with a code repository.
    case feed(FeedPeriod, sort: FeedSort, code: Bool = false)
    case latest(sort: FeedSort, code: Bool = false)
    case paper(ArxivID)
    case paperMarkdown(ArxivID)
    /// The paper in another format (`PaperFormat`: Markdown, BibTeX, RIS, CSL-JSON).
    case paperAs(ArxivID, PaperFormat)
    /// Where its authors set its code and project links.
    case paperLinks(ArxivID)
    case search(query: String)
    case stylesheet(version: String)
    case script(version: String)
    case user(String)
    case apiDailyPapers
    case apiPaper(ArxivID)

    var path: String {
        switch self {
        case .home: return Route.home.path()
        case .latest(let sort, let code): return Route.papers.path() + Self.sortQuery(sort, code: code)
        case .feed(let period, let sort, let code):
            let route: Route
            switch period {
            case .day: route = .day
            case .week: route = .week
            case .month: route = .month
            }
            return route.path(period.key) + Self.sortQuery(sort, code: code)
        case .paper(let id): return Route.paper.path(id.base)
        case .paperMarkdown(let id): return Route.paper.path(id.base + ".md")
        case .paperAs(let id, let format): return Route.paper.path(id.base + format.suffix)
        case .paperLinks(let id): return Route.paperLinks.path(id.base)
        case .search(let q): return Route.search.path() + "?q=" + Self.percentEncode(q)
        case .stylesheet(let v): return Route.asset.path("app.css") + "?v=\(v)"
        case .script(let v): return Route.asset.path("app.js") + "?v=\(v)"
        case .user(let name): return Route.user.path(name)
        case .apiDailyPapers: return Route.apiDailyPapers.path()
        case .apiPaper(let id): return Route.apiPaper.path(id.base)
        }
    }

    private static func sortQuery(_ sort: FeedSort, code: Bool) -> String {
        let parts = (sort == .upvotes ? [] : ["sort=\(sort.rawValue)"]) + (code ? ["code=1"] : [])
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
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
