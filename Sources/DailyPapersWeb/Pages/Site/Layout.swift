import DailyPapersCore
import NIOCore

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
                     alternates: [(type: String, href: String)] = [], meta: [(name: String, content: String)] = [],
                     viewer: Viewer? = nil, body: (inout HTML) -> Void) -> String {
        document(site: site, title: title, description: description, canonical: canonical, alternates: alternates,
                 meta: meta, viewer: viewer, body: body).output
    }

    /// The page with its slots (see `PageTemplate`).
    /// `meta`: more `<meta name content>` tags (a paper's Highwire `citation_*` tags).
    static func document(site: SiteInfo, title: String, description: String, canonical: String,
                         alternates: [(type: String, href: String)] = [], meta: [(name: String, content: String)] = [],
                         viewer: Viewer? = nil, body: (inout HTML) -> Void) -> HTML {
        var h = HTML()
        h.doctype()
        h.element("html", [("lang", "en")]) { h in
            h.element("head") { h in
                h.void("meta", [("charset", "utf-8")])
                h.void("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")])
                h.void("meta", [("name", "color-scheme"), ("content", "light dark")])
                h.element("title", text: title == site.name ? title : "\(title) · \(site.name)")
                h.void("meta", [("name", "description"), ("content", description)])
                for tag in meta { h.void("meta", [("name", tag.name), ("content", tag.content)]) }
                h.void("link", [("rel", "canonical"), ("href", site.publicURL + canonical)])
                for format in FeedFormat.allCases {
                    h.void("link", [("rel", "alternate"), ("type", format.linkType), ("title", "\(site.name): daily papers"),
                                    ("href", Route.feed.path("daily.\(format.rawValue)"))])
                }
                h.void("link", [("rel", "alternate"), ("type", FeedFormat.atom.linkType), ("title", "\(site.name): trending"),
                                ("href", Route.feed.path("trending.atom"))])
                for alt in alternates {
                    h.void("link", [("rel", "alternate"), ("type", alt.type), ("href", alt.href)])
                }
                h.void("link", [("rel", "stylesheet"), ("href", SiteRoute.stylesheet(version: site.stylesheetVersion).path)])
                h.void("link", [("rel", "icon"), ("href", Route.asset.path("favicon.svg")), ("type", "image/svg+xml")])
                h.element("script", [("src", SiteRoute.script(version: site.scriptVersion).path), ("defer", "defer")], text: "")
            }
            h.element("body") { h in
                h.element("a", class: "skip", [("href", "#main")], text: "Skip to content")
                h.element("header", class: "site") { h in
                    h.element("div", class: "wrap bar") { h in
                        h.element("a", class: "brand", [("href", SiteRoute.home.path)]) { h in
                            h.element("span", class: "logo", [("aria-hidden", "true")], text: "▤")
                            h.text(site.name)
                        }
                        h.element("form", class: "search", [("role", "search"), ("action", Route.search.path()), ("method", "get")]) { h in
                            h.element("label", class: "vh", [("for", "q")], text: "Search papers")
                            h.void("input", [("id", "q"), ("name", "q"), ("type", "search"), ("placeholder", "Search papers"), ("maxlength", "500")])
                        }
                        if viewer?.isTemplate == true { h.slot(.accountNav) } else { accountNav(viewer, into: &h) }
                    }
                }
                h.element("main", [("id", "main"), ("class", "wrap")]) { h in body(&h) }
                h.element("footer", class: "site") { h in
                    h.element("div", class: "wrap") { h in
                        h.text(site.name + " · a self-hosted daily feed of research papers · ")
                        h.link(Route.feed.path("daily.atom"), "Atom")
                        h.text(" · ")
                        h.link(Route.feed.path("daily.rss"), "RSS")
                        h.text(" · ")
                        h.link(Route.feed.path("daily.json"), "JSON Feed")
                        h.text(" · ")
                        h.link(Route.arrivals.path(), "New papers")
                        h.text(" · ")
                        h.link(Route.stats.path(), "Statistics")
                        h.text(" · ")
                        h.link(Route.docs.path(), "API")
                    }
                }
            }
        }
        return h
    }

    /// Log in / sign up for readers; submit, profile, moderation and log out for members.
    static func accountNav(_ viewer: Viewer?, into h: inout HTML) {
        guard let v = viewer else { return h.markup(anonymousNav) }
        (v.account.canModerate ? moderatorNav : memberNav).write(navFills(v), into: &h)
    }

    /// The same, into the bytes of a member's page being filled (once per request).
    static func accountNav(_ v: Viewer, csrfInput: Markup, into out: inout ByteBuffer) {
        (v.account.canModerate ? moderatorNav : memberNav).write(navFills(v, csrfInput: csrfInput), into: &out)
    }

    private static func navFills(_ v: Viewer, csrfInput: Markup? = nil) -> [Markup] {
        [Markup(escaping: v.unread > 0 ? "Notifications (\(v.unread))" : "Notifications"),
         Markup(escaping: SiteRoute.user(v.account.username).path), Markup(escaping: "@" + v.account.username),
         csrfInput ?? HTML.csrfInput(v.csrf)]
    }

    private static let anonymousNav = Markup.fragment { h in
        h.element("nav", class: "account", [("aria-label", "Account")]) { h in
            h.link(Route.login.path(), "Log in")
            h.text(" ")
            h.element("a", class: "button", [("href", Route.signup.path())], text: "Sign up")
        }
    }
    private static let memberNav = memberNav(moderator: false)
    private static let moderatorNav = memberNav(moderator: true)

    /// A member's links, with holes (in the order they stand) for the notifications link's text (with the unread
    /// count), their page, their name and the form token.
    private static func memberNav(moderator: Bool) -> Stencil {
        Stencil(holes: 4) { h, hole in
            h.element("nav", class: "account", [("aria-label", "Account")]) { h in
                h.link(Route.notifications.path(), hole(0))
                h.text(" ")
                h.link(Route.forYou.path(), "For you")
                h.text(" ")
                h.link(Route.following.path(), "Following")
                h.text(" ")
                h.link(Route.collections.path(), "Saved")
                h.text(" ")
                h.link(Route.submit.path(), "Submit")
                h.text(" ")
                if moderator {
                    h.link(Route.moderation.path(), "Moderation")
                    h.text(" ")
                }
                h.link(hole(1), hole(2))
                h.text(" ")
                h.link(Route.settings.path(), "Settings")
                h.text(" ")
                h.element("form", class: "inline", [("method", "post"), ("action", Route.logout.path())]) { h in
                    h.text(hole(3))
                    h.submit("Log out", class: "link")
                }
            }
        }
    }
}
