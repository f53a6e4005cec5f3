import DailyPapersCore

enum FeedPageView {
    static func render(_ m: FeedPageModel, site: SiteInfo, canonical: String, viewer: Viewer? = nil, notice: String? = nil) -> String {
        document(m, site: site, canonical: canonical, viewer: viewer, notice: notice).output
    }

    static func document(_ m: FeedPageModel, site: SiteInfo, canonical: String, viewer: Viewer? = nil, notice: String? = nil) -> HTML {
        let title = m.period.map(FeedPageModel.title(of:)) ?? "No papers yet"
        return Layout.document(site: site, title: m.period == nil ? site.name : "\(site.name): \(title)",
                           description: "Trending research papers, submitted and upvoted by the community.",
                           canonical: canonical, viewer: viewer) { h in
            h.notice(notice, viewer: viewer)
            hero(site: site, into: &h)
            guard let period = m.period else {
                h.raw("<section class=\"empty\"><h2>No papers yet</h2><p>This instance has no featured papers. Import some with ")
                h.raw("<code>dailypapers import hf-daily PATH</code> or start it with <code>--demo</code>.</p></section>")
                return
            }
            periodTabs(period, sort: m.sort, into: &h)
            h.raw("<nav class=\"dates\" aria-label=\"Dates\">")
            neighbour(m.previous, label: "← Previous", rel: "prev", sort: m.sort, into: &h)
            h.element("h2", text: title)
            neighbour(m.next, label: "Next →", rel: "next", sort: m.sort, into: &h)
            h.raw("</nav>")
            sortLinks(period, current: m.sort, into: &h)
            if m.papers.isEmpty {
                h.raw("<p class=\"empty\">No papers were featured in this period.</p>")
            } else {
                h.raw("<div class=\"cards\">")
                for f in m.papers { PaperCardView.render(f, thumbnailPath: nil, viewer: viewer, into: &h) }
                h.raw("</div>")
            }
            pagination(m, period: period, into: &h)
        }
    }

    static func hero(site: SiteInfo, into h: inout HTML) {
        h.raw("<section class=\"hero\"><div><h1>")
        h.text(site.name)
        h.raw("</h1><p class=\"tagline\">")
        h.text(site.tagline)
        h.raw("</p></div>")
        // A GET to the subscribe page: this page is cached for everyone, so the form with its token lives there.
        h.raw("<form class=\"subscribe\" action=\"\(Route.subscribe.path())\" method=\"get\" aria-describedby=\"sub-note\">")
        h.raw("<p><strong>Get trending papers in your email inbox!</strong></p>")
        h.raw("<label class=\"vh\" for=\"sub-email\">Email address</label>")
        h.raw("<input id=\"sub-email\" name=\"email\" type=\"email\" placeholder=\"you@example.org\" maxlength=\"254\" required>")
        h.raw("<button type=\"submit\">Subscribe</button>")
        h.raw("<p id=\"sub-note\" class=\"note\">Daily or weekly; topics optional. One confirmation mail first.</p></form></section>")
    }

    static func periodTabs(_ period: FeedPeriod, sort: FeedSort, into h: inout HTML) {
        let anchor = period.days.lowerBound
        let tabs: [(String, FeedPeriod, Bool)] = [
            ("Daily", .day(anchor), { if case .day = period { return true }; return false }()),
            ("Weekly", FeedPeriod.week(year: 0, week: 1).sameKind(containing: anchor), { if case .week = period { return true }; return false }()),
            ("Monthly", .month(year: anchor.year, month: anchor.month), { if case .month = period { return true }; return false }()),
        ]
        h.raw("<nav class=\"tabs\" aria-label=\"Period\">")
        for (label, target, current) in tabs {
            var attrs = [("href", SiteRoute.feed(target, sort: sort).path)]
            if current { attrs.append(("aria-current", "page")) }
            h.open("a", attrs)
            h.text(label)
            h.close("a")
        }
        h.raw("</nav>")
    }

    static func neighbour(_ period: FeedPeriod?, label: String, rel: String, sort: FeedSort, into h: inout HTML) {
        guard let period else {
            h.open("span", [("class", "nav-off")])
            h.text(label)
            h.close("span")
            return
        }
        h.open("a", [("href", SiteRoute.feed(period, sort: sort).path), ("rel", rel)])
        h.text(label)
        h.close("a")
    }

    static func sortLinks(_ period: FeedPeriod, current: FeedSort, into h: inout HTML) {
        h.raw("<nav class=\"sort\" aria-label=\"Sort\">Sort: ")
        for (sort, label) in [(FeedSort.upvotes, "Most upvoted"), (.trending, "Trending"), (.newest, "Newest")] {
            var attrs = [("href", SiteRoute.feed(period, sort: sort).path)]
            if sort == current { attrs.append(("aria-current", "true")) }
            h.open("a", attrs)
            h.text(label)
            h.close("a")
        }
        h.raw("</nav>")
    }

    static func pagination(_ m: FeedPageModel, period: FeedPeriod, into h: inout HTML) {
        guard m.pageCount > 1 else { return }
        let base = SiteRoute.feed(period, sort: m.sort).path
        let join = base.contains("?") ? "&" : "?"
        h.raw("<nav class=\"pages\" aria-label=\"Pages\">")
        if m.page > 0 { h.open("a", [("href", "\(base)\(join)p=\(m.page - 1)"), ("rel", "prev")]); h.text("← Previous page"); h.close("a") }
        h.element("span", text: "Page \(m.page + 1) of \(m.pageCount)")
        if m.page + 1 < m.pageCount { h.open("a", [("href", "\(base)\(join)p=\(m.page + 1)"), ("rel", "next")]); h.text("Next page →"); h.close("a") }
        h.raw("</nav>")
    }
}
