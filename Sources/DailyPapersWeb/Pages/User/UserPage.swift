import DailyPapersCore
import DailyPapersStore
import Hummingbird

/// `/users/{name}`: a member's submissions, upvoted papers and comments.
struct UserPageModel {
    var user: UserRef
    var account: Account?
    var submitted: [FeaturedPaper]
    var upvoted: [FeaturedPaper]
    var comments: [Comment]
    /// Public collections, and every one of them for the member themself ("Saved" among them).
    var collections: [CollectionStore.Collection] = []
}

enum UserPageQuery {
    static func load(_ name: String, store: PaperStore, users: UserStore, community: Community, viewerID: Int?) async throws -> UserPageModel? {
        guard let user = try await users.user(username: name) else { return nil }
        async let account = community.accounts.account(username: user.username)
        async let submitted = store.featured(FeedQuery(sort: .newest, submitter: user.username, limit: 30))
        async let upvoted = store.featured(FeedQuery(sort: .newest, upvotedBy: user.username, limit: 30))
        async let comments = community.comments.comments(byUsername: user.username, limit: 30)
        async let collections = community.collections.collections(username: user.username, viewerID: viewerID)
        return try await UserPageModel(user: user, account: account, submitted: submitted, upvoted: upvoted, comments: comments,
                                       collections: collections)
    }
}

enum UserPageView {
    static func render(_ m: UserPageModel, site: SiteInfo, viewer: Viewer?) -> String {
        Layout.page(site: site, title: "\(m.user.fullname) (@\(m.user.username))", description: "Papers submitted and upvoted by @\(m.user.username)",
                    canonical: SiteRoute.user(m.user.username).path,
                    alternates: [("application/atom+xml", Route.userFeed.path(m.user.username + ".atom"))],
                    viewer: viewer) { h in
            h.element("section", class: "profile") { h in
                h.element("h1", text: m.user.fullname)
                if let viewer, viewer.account.username != m.user.username {
                    FollowRoutes.button(.init(kind: .member, target: m.user.username), label: "Follow @" + m.user.username, viewer: viewer,
                                        next: SiteRoute.user(m.user.username).path, into: &h)
                }
                h.element("p", class: "muted") { h in
                    h.text("@" + m.user.username)
                    if let a = m.account {
                        if a.role != .member { h.text(" · " + a.role.rawValue) }
                        if a.isBanned { h.text(" · banned") }
                    }
                }
                if !m.collections.isEmpty {
                    h.section("collections", "Collections") { h in
                        h.element("ul", class: "collection-list") { h in
                            for c in m.collections { h.element("li") { h in CollectionPageView.summary(c, into: &h) } }
                        }
                    }
                }
                list("Submitted papers", id: "submitted", m.submitted, empty: "No submissions yet.", viewer: viewer, into: &h)
                list("Upvoted papers", id: "upvoted", m.upvoted, empty: "No upvotes yet.", viewer: viewer, into: &h)
                h.section("comments", "Comments") { h in
                    if m.comments.isEmpty { h.element("p", class: "muted", text: "No comments yet.") }
                    h.element("ol", class: "comments") { h in
                        for c in m.comments {
                            h.element("li", class: "comment") { h in
                                h.element("article") { h in
                                    h.element("header", class: "muted") { h in
                                        h.text("On ")
                                        h.link(SiteRoute.paper(c.paperID).path + "#c\(c.id)", c.paperID.base)
                                        h.text(" · " + String(c.createdAt.iso8601.prefix(10)))
                                    }
                                    h.element("div", class: "body") { h in h.markup(.comment(c.body)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static func list(_ title: String, id: String, _ papers: [FeaturedPaper], empty: String, viewer: Viewer?, into h: inout HTML) {
        h.section(id, title) { h in
            if papers.isEmpty { h.element("p", class: "muted", text: empty) }
            h.element("div", class: "cards") { h in
                for f in papers { PaperCardView.render(f, thumbnailPath: nil, viewer: viewer, into: &h) }
            }
        }
    }
}

struct UserRoutes: Sendable {
    let store: PaperStore
    let users: UserStore
    let community: Community

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.user.pattern) { _, ctx in
            let name = try ctx.parameters.require("name")
            guard name.count <= 100, let model = try await UserPageQuery.load(name, store: store, users: users, community: community,
                                                                              viewerID: Viewer(ctx)?.account.id) else {
                throw WebError.notFound("There is no user '\(String(name.prefix(100)))' on this site.")
            }
            var viewer = Viewer(ctx)
            if let v = viewer {
                viewer?.voted = try await community.votes.votedPapers(userID: v.account.id,
                                                                      among: (model.submitted + model.upvoted).map(\.paper.id))
                viewer?.saved = try await community.collections.savedPapers(userID: v.account.id,
                                                                            among: (model.submitted + model.upvoted).map(\.paper.id.base))
            }
            return PageResponses.html(UserPageView.render(model, site: community.site, viewer: viewer))
        }
    }
}
