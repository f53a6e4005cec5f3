/// What every page needs to know about the site it belongs to.
struct SiteInfo: Sendable {
    var name: String
    /// The line under the name on the feed page.
    var tagline = "by the research community"
    /// Absolute base for canonical links and the API's absolute URLs, without trailing slash.
    var publicURL: String
    var stylesheetVersion: String
    var scriptVersion: String = "0"
}

/// The page frame: head, header with the subscribe call, main landmark, footer.
enum Layout {
    static func page(site: SiteInfo, title: String, description: String, canonical: String,
                     alternates: [(type: String, href: String)] = [], viewer: Viewer? = nil,
                     body: (inout HTML) -> Void) -> String {
        document(site: site, title: title, description: description, canonical: canonical, alternates: alternates,
                 viewer: viewer, body: body).output
    }

    /// The page with its slots (see `PageTemplate`).
    static func document(site: SiteInfo, title: String, description: String, canonical: String,
                         alternates: [(type: String, href: String)] = [], viewer: Viewer? = nil,
                         body: (inout HTML) -> Void) -> HTML {
        var h = HTML()
        h.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        h.raw("<meta name=\"color-scheme\" content=\"light dark\">")
        h.element("title", text: title == site.name ? title : "\(title) · \(site.name)")
        h.open("meta", [("name", "description"), ("content", description)])
        h.open("link", [("rel", "canonical"), ("href", site.publicURL + canonical)])
        for format in FeedFormat.allCases {
            h.open("link", [("rel", "alternate"), ("type", format.linkType), ("title", "\(site.name): daily papers"),
                            ("href", Route.feed.path("daily.\(format.rawValue)"))])
        }
        h.open("link", [("rel", "alternate"), ("type", FeedFormat.atom.linkType), ("title", "\(site.name): trending"),
                        ("href", Route.feed.path("trending.atom"))])
        for alt in alternates {
            h.open("link", [("rel", "alternate"), ("type", alt.type), ("href", alt.href)])
        }
        h.open("link", [("rel", "stylesheet"), ("href", SiteRoute.stylesheet(version: site.stylesheetVersion).path)])
        h.raw("<link rel=\"icon\" href=\"\(Route.asset.path("favicon.svg"))\" type=\"image/svg+xml\">")
        h.open("script", [("src", SiteRoute.script(version: site.scriptVersion).path), ("defer", "defer")])
        h.close("script")
        h.raw("</head><body><a class=\"skip\" href=\"#main\">Skip to content</a>")
        h.raw("<header class=\"site\"><div class=\"wrap bar\">")
        h.open("a", [("class", "brand"), ("href", SiteRoute.home.path)])
        h.raw("<span class=\"logo\" aria-hidden=\"true\">▤</span>")
        h.text(site.name)
        h.close("a")
        h.raw("<form class=\"search\" role=\"search\" action=\"\(Route.search.path())\" method=\"get\">")
        h.raw("<label class=\"vh\" for=\"q\">Search papers</label>")
        h.raw("<input id=\"q\" name=\"q\" type=\"search\" placeholder=\"Search papers\" maxlength=\"500\">")
        h.raw("</form>")
        if viewer?.isTemplate == true { h.slot(.accountNav) } else { accountNav(viewer, into: &h) }
        h.raw("</div></header>")
        h.raw("<main id=\"main\" class=\"wrap\">")
        body(&h)
        h.raw("</main><footer class=\"site\"><div class=\"wrap\">")
        h.text(site.name)
        h.raw(" · a self-hosted daily feed of research papers · <a href=\"\(Route.feed.path("daily.atom"))\">Atom</a> · ")
        h.raw("<a href=\"\(Route.feed.path("daily.rss"))\">RSS</a> · <a href=\"\(Route.feed.path("daily.json"))\">JSON Feed</a> · <a href=\"\(Route.stats.path())\">Statistics</a> · <a href=\"\(Route.docs.path())\">API</a></div></footer>")
        h.raw("</body></html>")
        return h
    }

    /// Log in / sign up for readers; submit, profile, moderation and log out for members.
    static func accountNav(_ viewer: Viewer?, into h: inout HTML) {
        h.raw("<nav class=\"account\" aria-label=\"Account\">")
        guard let v = viewer else {
            h.raw("<a href=\"\(Route.login.path())\">Log in</a> <a class=\"button\" href=\"\(Route.signup.path())\">Sign up</a></nav>")
            return
        }
        h.raw("<a href=\"\(Route.submit.path())\">Submit</a> ")
        if v.account.canModerate { h.raw("<a href=\"\(Route.moderation.path())\">Moderation</a> ") }
        h.open("a", [("href", SiteRoute.user(v.account.username).path)])
        h.text("@" + v.account.username)
        h.close("a")
        h.raw(" <a href=\"\(Route.settings.path())\">Settings</a> <form class=\"inline\" method=\"post\" action=\"\(Route.logout.path())\">")
        h.csrf(v.csrf)
        h.raw("<button class=\"link\" type=\"submit\">Log out</button></form></nav>")
    }
}
