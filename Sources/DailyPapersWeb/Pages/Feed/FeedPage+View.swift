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
                h.element("section", class: "empty") { h in
                    h.element("h2", text: "No papers yet")
                    h.element("p") { h in
                        h.text("This instance has no featured papers. Import some with ")
                        h.element("code", text: "dailypapers import hf-daily PATH")
                        h.text(" or start it with ")
                        h.element("code", text: "--demo")
                        h.text(".")
                    }
                }
                return
            }
            periodTabs(period, sort: m.sort, code: m.codeOnly, into: &h)
            h.element("nav", class: "dates", [("aria-label", "Dates")]) { h in
                neighbour(m.previous, label: "← Previous", rel: "prev", sort: m.sort, code: m.codeOnly, into: &h)
                h.element("h2", text: title)
                neighbour(m.next, label: "Next →", rel: "next", sort: m.sort, code: m.codeOnly, into: &h)
            }
            sortLinks(period, current: m.sort, code: m.codeOnly, into: &h)
            if m.papers.isEmpty {
                h.element("p", class: "empty", text: "No papers were featured in this period.")
            } else {
                h.element("div", class: "cards") { h in
                    for f in m.papers { PaperCardView.render(f, thumbnailPath: nil, viewer: viewer, into: &h) }
                }
            }
            pagination(m, period: period, into: &h)
        }
    }

    static func hero(site: SiteInfo, into h: inout HTML) {
        h.element("section", class: "hero") { h in
            h.element("div") { h in
                h.element("h1", text: site.name)
                h.element("p", class: "tagline", text: site.tagline)
            }
            // A GET to the subscribe page: this page is cached for everyone, so the form with its token lives there.
            h.element("form", class: "subscribe", [("action", Route.subscribe.path()), ("method", "get"), ("aria-describedby", "sub-note")]) { h in
                h.element("p") { h in h.element("strong", text: "Get trending papers in your email inbox!") }
                h.element("label", class: "vh", [("for", "sub-email")], text: "Email address")
                h.void("input", [("id", "sub-email"), ("name", "email"), ("type", "email"), ("placeholder", "you@example.org"),
                                 ("maxlength", "254"), ("required", "")])
                h.submit("Subscribe")
                h.element("p", [("id", "sub-note"), ("class", "note")], text: "Daily or weekly; topics optional. One confirmation mail first.")
            }
        }
    }

    static func periodTabs(_ period: FeedPeriod, sort: FeedSort, code: Bool, into h: inout HTML) {
        let anchor = period.days.lowerBound
        let tabs: [(String, FeedPeriod, Bool)] = [
            ("Daily", .day(anchor), { if case .day = period { return true }; return false }()),
            ("Weekly", FeedPeriod.week(year: 0, week: 1).sameKind(containing: anchor), { if case .week = period { return true }; return false }()),
            ("Monthly", .month(year: anchor.year, month: anchor.month), { if case .month = period { return true }; return false }()),
        ]
        h.element("nav", class: "tabs", [("aria-label", "Period")]) { h in
            for (label, target, current) in tabs {
                h.link(SiteRoute.feed(target, sort: sort, code: code).path, label, current ? [("aria-current", "page")] : [])
            }
        }
    }

    static func neighbour(_ period: FeedPeriod?, label: String, rel: String, sort: FeedSort, code: Bool, into h: inout HTML) {
        guard let period else { return h.element("span", class: "nav-off", text: label) }
        h.link(SiteRoute.feed(period, sort: sort, code: code).path, label, [("rel", rel)])
    }

    static func sortLinks(_ period: FeedPeriod, current: FeedSort, code: Bool, into h: inout HTML) {
        h.element("nav", class: "sort", [("aria-label", "Sort")]) { h in
            h.text("Sort: ")
            for (sort, label) in [(FeedSort.upvotes, "Most upvoted"), (.trending, "Trending"), (.newest, "Newest"), (.stars, "Most stars")] {
                h.link(SiteRoute.feed(period, sort: sort, code: code).path, label, sort == current ? [("aria-current", "true")] : [])
            }
            h.text(" · ")
            // A toggle: the same list with or without the papers that have no code.
            h.link(SiteRoute.feed(period, sort: current, code: !code).path, code ? "All papers" : "With code only")
        }
    }

    static func pagination(_ m: FeedPageModel, period: FeedPeriod, into h: inout HTML) {
        guard m.pageCount > 1 else { return }
        let base = SiteRoute.feed(period, sort: m.sort, code: m.codeOnly).path
        let join = base.contains("?") ? "&" : "?"
        h.element("nav", class: "pages", [("aria-label", "Pages")]) { h in
            if m.page > 0 { h.link("\(base)\(join)p=\(m.page - 1)", "← Previous page", [("rel", "prev")]) }
            h.element("span", text: "Page \(m.page + 1) of \(m.pageCount)")
            if m.page + 1 < m.pageCount { h.link("\(base)\(join)p=\(m.page + 1)", "Next page →", [("rel", "next")]) }
        }
    }
}
