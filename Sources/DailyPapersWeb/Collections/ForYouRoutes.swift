import DailyPapersCore
import DailyPapersStore
import Hummingbird

/// `/for-you`: the member's own feed (`ForYouStore`), and `POST /not-interested`, which takes a paper out of it and
/// pushes its neighbours down. Rendered per request: it is one member's.
struct ForYouRoutes: Sendable {
    let community: Community
    let trendingWindowDays: Int

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.forYou.pattern) { req, ctx in
            guard var viewer = Viewer(ctx) else { throw WebError.signInRequired(returnTo: Route.forYou.path()) }
            // Ranked per request.
            try community.limiter.check(.ranking, account: viewer.account.username, ip: ctx.clientIP)
            let feed = try await community.forYou.feed(userID: viewer.account.id)
            var picks = feed.picks
            var followed: Set<String> = []
            if !feed.personal {
                // Nothing to learn from yet: the newest papers of the categories they picked, else what is trending;
                // and a prompt to pick categories in one click.
                let follows = try await community.follows.follows(userID: viewer.account.id)
                followed = Set(follows.filter { $0.kind == .category }.map(\.target))
                if !follows.isEmpty {
                    picks = try await community.follows.following(userID: viewer.account.id, limit: 30).map {
                        ForYouStore.Pick(paper: $0.paper, score: 0, because: nil)
                    }
                }
                if picks.isEmpty {
                    picks = try await community.papers.featured(FeedQuery(sort: .trending, trendingWindowDays: trendingWindowDays, limit: 30))
                        .map { ForYouStore.Pick(paper: .featured($0), score: 0, because: nil) }
                }
            }
            let ids = picks.map(\.paper.paper.id)
            viewer.voted = try await community.votes.votedPapers(userID: viewer.account.id, among: ids)
            viewer.saved = try await community.collections.savedPapers(userID: viewer.account.id, among: ids.map(\.base))
            return PageResponses.html(ForYouPageView.render(picks, personal: feed.personal, followed: followed, site: community.site, viewer: viewer,
                                                            notice: req.query["msg"].flatMap { Notices.text[$0] }))
        }
        router.post(Route.notInterested.pattern) { req, ctx in
            guard ctx.session != nil else { throw WebError.signInRequired(returnTo: Route.forYou.path()) }
            let form = try await FormInput.read(req, context: ctx)
            guard let viewer = Viewer(ctx), !viewer.account.isBanned else { throw WebError.forbidden("This account is banned.") }
            try community.limiter.check(.collect, account: viewer.account.username, ip: ctx.clientIP)
            let id = try WebError.arxivID(form.fields["paper"])
            try await CollectionRoutes.answering {
                try await community.forYou.setNotInterested(userID: viewer.account.id, paper: id, form.fields["undo"] != "1")
            }
            if req.headers[.accept]?.hasPrefix("application/json") == true { return Responses.json(["paper": id.base]) }
            return PageResponses.redirect(PageResponses.localPath(form.fields["next"]) ?? Route.forYou.path())
        }
    }
}

enum ForYouPageView {
    /// Categories offered to a new member, to pick in one click.
    static let startingCategories = ["cs.LG", "cs.CV", "cs.CL", "cs.AI", "cs.RO", "stat.ML", "eess.AS", "q-bio.QM"]

    static func render(_ picks: [ForYouStore.Pick], personal: Bool, followed: Set<String> = [], site: SiteInfo, viewer: Viewer,
                       notice: String?) -> String {
        Layout.page(site: site, title: "For you", description: "Recent papers ranked for you.", canonical: Route.forYou.path(),
                    viewer: viewer) { h in
            h.element("section", class: "for-you") { h in
                h.element("h1", text: "For you")
                h.notice(notice)
                if personal {
                    h.element("p", class: "muted", text: "Recent papers, featured or not, ranked by what you upvoted, saved and submitted. "
                        + "“Not interested” takes a paper out and ranks papers like it lower.")
                } else {
                    h.element("div", class: "notice", [("role", "status")]) { h in
                        h.element("p", text: "Upvote or save a few papers and this page ranks new papers for you. Until then: "
                            + (followed.isEmpty ? "what is trending. Pick the categories you read to see their newest papers here:"
                                                : "the newest papers of the categories you picked. Pick more:"))
                        h.element("p", class: "follow-line") { h in
                            for category in startingCategories where !followed.contains(category) {
                                FollowRoutes.button(.init(kind: .category, target: category), label: "+ " + category, viewer: viewer,
                                                    next: Route.forYou.path(), into: &h)
                                h.text(" ")
                            }
                        }
                    }
                }
                h.element("div", class: "cards") { h in
                    for pick in picks {
                        h.element("div", class: "pick") { h in
                            if let because = pick.because {
                                h.element("p", class: "because muted") { h in
                                    h.text("Like ")
                                    h.link(Route.paper.path(because.id), "“" + because.title + "”")
                                    h.text(", which you " + because.how.rawValue)
                                }
                            }
                            PaperCardView.render(pick.paper, snippet: nil, viewer: viewer, into: &h)
                            if personal {
                                h.postForm(Route.notInterested.path(), class: "inline", viewer: viewer) { h in
                                    h.hidden("paper", pick.paper.paper.id.base)
                                    h.hidden("next", Route.forYou.path())
                                    h.submit("Not interested", class: "link")
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
