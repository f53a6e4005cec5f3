import DailyPapersCore
import DailyPapersStore
import Hummingbird

/// Follows: `/following` (the newest papers of what the member follows, and their follows), `POST /follows` (follow
/// or stop following, from any page's form), and the Following feed at `/feeds/following/KEY.atom`, whose random key
/// stands in for the cookie a feed reader does not send.
struct FollowRoutes: Sendable {
    let community: Community
    var follows: FollowStore { community.follows }

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.following.pattern) { req, ctx in
            guard var viewer = Viewer(ctx) else { throw WebError.signInRequired(returnTo: Route.following.path()) }
            // A query per follow, per request.
            try community.limiter.check(.ranking, account: viewer.account.username, ip: ctx.clientIP)
            let userID = viewer.account.id
            async let list = follows.follows(userID: userID)
            async let papers = follows.following(userID: userID)
            async let key = follows.feedKey(userID: userID)
            let (mine, brought, feedKey) = try await (list, papers, key)
            let ids = brought.map(\.paper.paper.id)
            viewer.voted = try await community.votes.votedPapers(userID: viewer.account.id, among: ids)
            viewer.saved = try await community.collections.savedPapers(userID: viewer.account.id, among: ids.map(\.base))
            return PageResponses.html(FollowingPageView.render(mine, papers: brought, feedKey: feedKey, site: community.site, viewer: viewer,
                                                               prefill: req.query["kind"].flatMap(FollowStore.Kind.init(rawValue:)).map {
                                                                   FollowStore.Follow(kind: $0, target: String((req.query["target"] ?? "").prefix(FollowStore.targetLength)))
                                                               }))
        }
        router.post(Route.follows.pattern) { req, ctx in
            guard ctx.session != nil else { throw WebError.signInRequired(returnTo: Route.following.path()) }
            let form = try await FormInput.read(req, context: ctx)
            guard let viewer = Viewer(ctx), !viewer.account.isBanned else { throw WebError.forbidden("This account is banned.") }
            try community.limiter.check(.collect, account: viewer.account.username, ip: ctx.clientIP)
            guard let kind = FollowStore.Kind(rawValue: form.fields["kind"] ?? "") else {
                throw WebError.badRequest("kind is one of author, category, keyword, member.")
            }
            let follow = FollowStore.Follow(kind: kind, target: form.fields["target"] ?? "")
            do { try await follows.set(userID: viewer.account.id, follow, on: form.fields["follow"] != "0") } catch let problem as FollowStore.Problem {
                switch problem {
                case .tooMany: throw WebError.badRequest("You follow \(FollowStore.perMember) things, the most a member may: stop following one first.")
                case .noSuchMember: throw WebError.notFound("There is no member '\(String(follow.target.prefix(100)))' here.")
                case .badTarget(let kind):
                    throw WebError.badRequest(kind == .category ? "Follow an arXiv category such as cs.LG."
                        : "Say what to follow: one line of at most \(FollowStore.targetLength) characters.")
                }
            }
            return PageResponses.redirect(PageResponses.localPath(form.fields["next"]) ?? Route.following.path())
        }
        router.get(Route.followingFeed.pattern) { _, ctx in
            let (key, format) = try FeedRoutes.split(try ctx.parameters.require("file"))
            try community.limiter.check(.ranking, account: nil, ip: ctx.clientIP)
            guard let member = try await follows.member(feedKey: key) else { throw WebError.notFound("There is no such feed here.") }
            let brought = try await follows.following(userID: member.id, limit: FeedRoutes.size)
            let site = community.site
            let feed = FeedDocument(title: "\(site.name): following, for @\(member.username)", subtitle: "The newest papers of what @\(member.username) follows.",
                                    basePath: Route.followingFeed.path(key), htmlPath: Route.following.path(), records: brought.map(\.paper), site: site)
            var response = Responses.text(try format.render(feed), contentType: format.contentType)
            // The URL is the member's secret: no shared cache keeps it.
            response.headers[.cacheControl] = "private, max-age=300"
            return response
        }
    }

    /// A one-click form to follow something, for any page (in members' shared pages the token is a slot).
    static func button(_ follow: FollowStore.Follow, label: String, viewer: Viewer, next: String, into h: inout HTML) {
        h.postForm(Route.follows.path(), class: "inline follow", viewer: viewer) { h in
            h.hidden("kind", follow.kind.rawValue)
            h.hidden("target", follow.target)
            h.hidden("next", next)
            h.submit(label, class: "link")
        }
    }
}

enum FollowingPageView {
    static func render(_ follows: [FollowStore.Follow], papers: [(paper: PaperRecord, because: [FollowStore.Follow])], feedKey: String,
                       site: SiteInfo, viewer: Viewer, prefill: FollowStore.Follow?) -> String {
        Layout.page(site: site, title: "Following", description: "The newest papers of what you follow.", canonical: Route.following.path(),
                    alternates: [("application/atom+xml", Route.followingFeed.path(feedKey + ".atom"))], viewer: viewer) { h in
            h.element("section", class: "following") { h in
                h.element("h1", text: "Following")
                h.section("follow-new", "Follow") { h in
                    h.postForm(Route.follows.path(), class: "stack", viewer: viewer) { h in
                        h.element("p", class: "field") { h in
                            h.element("label", [("for", "f-kind")], text: "What")
                            h.element("select", [("id", "f-kind"), ("name", "kind")]) { h in
                                for kind in FollowStore.Kind.allCases {
                                    h.element("option", [("value", kind.rawValue)] + (prefill?.kind == kind ? [("selected", "")] : []), text: kind.rawValue)
                                }
                            }
                        }
                        h.field("target", label: "Name, category (cs.LG), words or username", value: prefill?.target,
                                maxLength: FollowStore.targetLength)
                        h.submit("Follow")
                    }
                    h.element("ul", class: "follows") { h in
                        for f in follows {
                            h.element("li") { h in
                                h.text(f.kind.rawValue + ": " + f.target + " ")
                                h.postForm(Route.follows.path(), class: "inline", viewer: viewer) { h in
                                    h.hidden("kind", f.kind.rawValue)
                                    h.hidden("target", f.target)
                                    h.hidden("follow", "0")
                                    h.submit("Stop following", class: "link")
                                }
                            }
                        }
                    }
                    h.element("p", class: "muted") { h in
                        h.text("Your Following feed (its address is yours alone): ")
                        h.link(Route.followingFeed.path(feedKey + ".atom"), "Atom")
                        h.text(" ")
                        h.link(Route.followingFeed.path(feedKey + ".rss"), "RSS")
                        h.text(" ")
                        h.link(Route.followingFeed.path(feedKey + ".json"), "JSON")
                    }
                }
                if follows.isEmpty { h.element("p", class: "muted", text: "Follow an author, a category, some words or a member to see their newest papers here.") }
                h.element("div", class: "cards") { h in
                    for (record, because) in papers {
                        h.element("div", class: "pick") { h in
                            h.element("p", class: "because muted", text: "Following " + because.map { "\($0.kind.rawValue) \($0.target)" }.joined(separator: ", "))
                            PaperCardView.render(record, snippet: nil, viewer: viewer, into: &h)
                        }
                    }
                }
            }
        }
    }
}
