import DailyPapersCore
import DailyPapersStore
import Hummingbird

/// `/new` and `/new/CATEGORY?day=YYYY-MM-DD&p=N`: what arrived, as the instance received it, day by day and
/// category by category, the way arXiv's own "new" listings show it: new papers, then cross-lists, then
/// replacements, each marked; any of them a member can put on today's feed in one click.
struct ArrivalsRoutes: Sendable {
    let store: PaperStore
    let community: Community
    let cache: ResponseCache
    var site: SiteInfo { community.site }
    static let pageSize = 50

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.arrivals.pattern) { req, ctx in try await page(nil, req, ctx) }
        router.get(Route.categoryArrivals.pattern) { req, ctx in
            let category = try ctx.parameters.require("category")
            guard ArxivCategory.isPlausible(category) else {
                throw WebError.badRequest("'\(category.prefix(40))' is not an arXiv category such as cs.LG.")
            }
            return try await page(category, req, ctx)
        }
    }

    func page(_ category: String?, _ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        var day: CalendarDay?
        if let text = req.uri.queryParameters["day"].map(String.init), !text.isEmpty {
            guard let d = CalendarDay(iso: text) else { throw WebError.badRequest("day: '\(text.prefix(20))' is not a date as YYYY-MM-DD.") }
            day = d
        }
        let p = try DailyPapersParameters.integer(req.uri.queryParameters.reduce(into: [:]) { $0[String($1.key)] = String($1.value) },
                                                  "p", default: 0, range: 0...1000)
        var viewer = Viewer(ctx)
        let shownDay = day
        let load: @Sendable () async throws -> ArrivalsPage = {
            try await store.arrivals(category: category, day: shownDay, offset: p * Self.pageSize, limit: Self.pageSize)
        }
        if let member = viewer {
            // Rendered for the member, with their votes on the papers that are on the feed.
            let page = try await load()
            viewer?.voted = try await community.votes.votedPapers(userID: member.account.id,
                                                                  among: page.items.compactMap { $0.record.featured?.paper.id })
            return PageResponses.html(ArrivalsPageView.render(page, category: category, page: p, site: site, viewer: viewer))
        }
        let key = "new|\(category ?? "")|\(day?.iso ?? "")|\(p)"
        let entry = try await cache.entry(key, contentType: "text/html; charset=utf-8") {
            ArrivalsPageView.render(try await load(), category: category, page: p, site: site, viewer: nil)
        }
        return Responses.cached(entry, request: req)
    }
}

enum ArrivalsPageView {
    static func path(category: String?, day: CalendarDay?, page: Int = 0) -> String {
        var query: [String] = []
        if let day { query.append("day=\(day.iso)") }
        if page > 0 { query.append("p=\(page)") }
        let base = category.map { Route.categoryArrivals.path($0) } ?? Route.arrivals.path()
        return base + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    static func render(_ m: ArrivalsPage, category: String?, page: Int, site: SiteInfo, viewer: Viewer?) -> String {
        let label = category ?? "every category"
        let title = "New in \(label)" + (m.day.map { ", \(FeedPeriod.shortDate($0)), \($0.year)" } ?? "")
        return Layout.page(site: site, title: title, description: "Papers announced in \(label), as \(site.name) received them.",
                           canonical: path(category: category, day: m.day, page: page),
                           alternates: [("application/atom+xml", Route.arrivalsFeed.path((category ?? "all") + ".atom"))],
                           viewer: viewer) { h in
            h.element("h1", text: "New in \(label)")
            guard let day = m.day else {
                return h.element("p", class: "empty", text: "Nothing has arrived here yet: papers come from arXiv ingests and imports (see the README).")
            }
            h.element("nav", class: "dates", [("aria-label", "Dates")]) { h in
                if let previous = m.previous { h.link(path(category: category, day: previous), "← Previous", [("rel", "prev")]) }
                else { h.element("span", class: "nav-off", text: "← Previous") }
                h.element("h2", text: FeedPageModel.title(of: .day(day)))
                if let next = m.next { h.link(path(category: category, day: next), "Next →", [("rel", "next")]) }
                else { h.element("span", class: "nav-off", text: "Next →") }
            }
            h.element("p", class: "muted", text: "\(m.total) paper\(m.total == 1 ? "" : "s")"
                      + (category == nil ? ", each in its primary category." : ": new, then cross-lists, then replacements."))
            h.element("div", class: "cards") { h in
                for (record, kind) in m.items {
                    h.element("p", class: "arrival \(kind.rawValue)", text: mark(kind, record.paper))
                    PaperCardView.render(record, snippet: nil, viewer: viewer, into: &h)
                }
            }
            let pages = (m.total + ArrivalsRoutes.pageSize - 1) / ArrivalsRoutes.pageSize
            if pages > 1 {
                h.element("nav", class: "pages", [("aria-label", "Pages")]) { h in
                    if page > 0 { h.link(path(category: category, day: day, page: page - 1), "← Previous page", [("rel", "prev")]) }
                    h.element("span", text: "Page \(page + 1) of \(pages)")
                    if page + 1 < pages { h.link(path(category: category, day: day, page: page + 1), "Next page →", [("rel", "next")]) }
                }
            }
        }
    }

    /// "New", "Cross-list from stat.ML", "Replaced (v3)".
    static func mark(_ kind: ArrivalKind, _ paper: Paper) -> String {
        let version = paper.id.version.map { " (v\($0))" } ?? ""
        switch kind {
        case .new: return "New"
        case .cross: return "Cross-list" + (paper.primaryCategory.map { " from \($0)" } ?? "")
        case .replace: return "Replaced" + version
        case .replaceCross: return "Replaced" + version + ", cross-list" + (paper.primaryCategory.map { " from \($0)" } ?? "")
        }
    }
}
