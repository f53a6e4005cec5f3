import DailyPapersCore
import DailyPapersStore

/// `/search?q=&category=&from=&to=&author=&code=1&featured=1&sort=&p=&format=`: parameters, read and checked.
struct SearchParameters {
    var text: String
    var filters: SearchFilters
    var page: Int
    /// The page, or its papers as a citation file (`format=bib|ris|csl.json`) or Markdown (`md`).
    var format: PaperFormat = .page

    static let pageSize = 20
    /// How deep results go (offset + limit). Deeper pages would make every search that asks for them rank
    /// and sort tens of thousands of matches; nobody reads that far, and filters narrow a search instead.
    static let maximumDepth = 1_000

    static func parse(_ q: [String: String], pageSize: Int = SearchParameters.pageSize) throws(WebError) -> SearchParameters {
        let text = q["q"] ?? ""
        guard text.count <= 500 else { throw WebError.badRequest("The search is longer than 500 characters.") }
        func day(_ name: String) throws(WebError) -> CalendarDay? {
            guard let v = q[name], !v.isEmpty else { return nil }
            guard let d = CalendarDay(iso: v) else { throw WebError.badRequest("\(name): '\(v)' is not a date as YYYY-MM-DD.") }
            return d
        }
        let category = q["category"].flatMap { $0.isEmpty ? nil : $0 }
        if let c = category, !ArxivCategory.isPlausible(c) {
            throw WebError.badRequest("category: '\(c)' is not an arXiv category such as cs.LG.")
        }
        let author = q["author"].flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
        guard let sort = SearchFilters.Sort(rawValue: q["sort"].flatMap { $0.isEmpty ? nil : $0 } ?? "relevance") else {
            throw WebError.badRequest("sort: use relevance, newest, upvotes or stars.")
        }
        let limit = try DailyPapersParameters.integer(q, "limit", default: pageSize, range: 1...100)
        let page = try DailyPapersParameters.integer(q, "p", default: 0, range: 0...10_000)
        guard (page + 1) * limit <= maximumDepth else {
            throw WebError.badRequest("p: results go \(maximumDepth) deep (page \(maximumDepth / limit - 1) at \(limit) a page); add words or filters to narrow the search.")
        }
        let from = try day("from"), to = try day("to")
        func switchedOn(_ name: String) -> Bool { isOn(q[name]) }
        if let from, let to, from > to { throw WebError.badRequest("from (\(from)) is after to (\(to)).") }
        let format: PaperFormat
        switch q["format"] ?? "" {
        case "": format = .page
        case "bib", "bibtex": format = .bibtex
        case "ris": format = .ris
        case "csl.json", "csl": format = .cslJSON
        case "md", "markdown": format = .markdown
        default: throw WebError.badRequest("format: use bib, ris, csl.json or md (or none, for the page).")
        }
        return SearchParameters(
            text: text,
            filters: SearchFilters(category: category, from: from, to: to, author: author,
                                   hasCode: switchedOn("code"), sort: sort, featuredOnly: switchedOn("featured"),
                                   offset: page * limit, limit: limit),
            page: page, format: format)
    }

    /// A switch in a query (`code=1`, `featured=on`): 1, true or on.
    static func isOn(_ value: String?) -> Bool { ["1", "true", "on"].contains(value ?? "") }

    /// This search with another page number, for pagination links; in another format, for its export links.
    func link(page: Int, format: PaperFormat = .page) -> String {
        var parts = ["q=" + SiteRoute.percentEncode(text)]
        if let c = filters.category { parts.append("category=" + SiteRoute.percentEncode(c)) }
        if let f = filters.from { parts.append("from=\(f.iso)") }
        if let t = filters.to { parts.append("to=\(t.iso)") }
        if let a = filters.author { parts.append("author=" + SiteRoute.percentEncode(a)) }
        if filters.hasCode { parts.append("code=1") }
        if filters.featuredOnly { parts.append("featured=1") }
        if filters.sort != .relevance { parts.append("sort=\(filters.sort.rawValue)") }
        if page > 0 { parts.append("p=\(page)") }
        if filters.limit != Self.pageSize { parts.append("limit=\(filters.limit)") }
        if format != .page { parts.append("format=" + format.suffix.dropFirst()) }
        return Route.search.path() + "?" + parts.joined(separator: "&")
    }
}

enum SearchPageView {
    static func render(_ s: SearchParameters, hits: [SearchHit], site: SiteInfo, viewer: Viewer? = nil) -> String {
        document(s, hits: hits, site: site, viewer: viewer).output
    }

    static func document(_ s: SearchParameters, hits: [SearchHit], site: SiteInfo, viewer: Viewer? = nil) -> HTML {
        let text = s.text
        let blank = text.trimmingCharacters(in: .whitespaces).isEmpty
        return Layout.document(site: site, title: blank ? "Search" : "Search: \(text)", description: "Search papers",
                           canonical: s.link(page: s.page),
                           alternates: blank ? [] : [("application/atom+xml", Route.feed.path("search.atom") + "?q=" + SiteRoute.percentEncode(text))],
                           viewer: viewer) { h in
            h.element("h1", text: "Search")
            h.element("form", class: "bigsearch", [("action", Route.search.path()), ("method", "get"), ("role", "search")]) { h in
                h.element("label", [("for", "sq")], text: "Words in the title, abstract or authors")
                h.text(" ")
                h.void("input", [("id", "sq"), ("name", "q"), ("type", "search"), ("value", text), ("maxlength", "500")])
                h.element("fieldset", class: "filters") { h in
                    h.element("legend", text: "Filters")
                    field("category", "Category", s.filters.category ?? "", type: "text", placeholder: "cs.LG", into: &h)
                    field("author", "Author", s.filters.author ?? "", type: "text", placeholder: "", into: &h)
                    field("from", "From", s.filters.from?.iso ?? "", type: "date", placeholder: "", into: &h)
                    field("to", "To", s.filters.to?.iso ?? "", type: "date", placeholder: "", into: &h)
                    h.element("label") { h in
                        h.void("input", [("type", "checkbox"), ("name", "code"), ("value", "1")] + (s.filters.hasCode ? [("checked", "")] : []))
                        h.text(" With code")
                    }
                    h.element("label") { h in
                        h.void("input", [("type", "checkbox"), ("name", "featured"), ("value", "1")] + (s.filters.featuredOnly ? [("checked", "")] : []))
                        h.text(" On the feed only")
                    }
                    h.element("label") { h in
                        h.text("Sort ")
                        h.element("select", [("name", "sort")]) { h in
                            for sort in SearchFilters.Sort.allCases {
                                h.element("option", [("value", sort.rawValue)] + (sort == s.filters.sort ? [("selected", "")] : []), text: sort.rawValue)
                            }
                        }
                    }
                }
                h.text(" ")
                h.element("button", text: "Search")
            }
            if blank {
                h.element("p", class: "empty", text: "Type a few words to search titles, abstracts and authors. Use \"quotes\" for a phrase and * for a prefix (diffus*).")
            } else if hits.isEmpty {
                h.element("p", class: "empty", text: s.page > 0 ? "No more matches." : "No papers match “\(text)” with these filters.")
            } else {
                h.element("div", class: "cards") { h in
                    for hit in hits { PaperCardView.render(hit.record, snippet: hit.snippet, viewer: viewer, into: &h) }
                }
                h.element("p", class: "links export") { h in
                    h.text("This page's papers as ")
                    for (i, format) in [PaperFormat.bibtex, .ris, .cslJSON].enumerated() {
                        if i > 0 { h.text(" · ") }
                        h.link(s.link(page: s.page, format: format), format.label)
                    }
                }
                h.element("nav", class: "pages", [("aria-label", "Pages")]) { h in
                    if s.page > 0 { h.link(s.link(page: s.page - 1), "← Previous page", [("rel", "prev")]) }
                    h.element("span", text: "Page \(s.page + 1)")
                    if hits.count == s.filters.limit, (s.page + 2) * s.filters.limit <= SearchParameters.maximumDepth {
                        h.link(s.link(page: s.page + 1), "Next page →", [("rel", "next")])
                    }
                }
            }
        }
    }

    static func field(_ name: String, _ label: String, _ value: String, type: String, placeholder: String, into h: inout HTML) {
        h.element("label") { h in
            h.text(label + " ")
            var attrs = [("name", name), ("type", type), ("value", value), ("maxlength", "100")]
            if !placeholder.isEmpty { attrs.append(("placeholder", placeholder)) }
            h.void("input", attrs)
        }
    }
}
