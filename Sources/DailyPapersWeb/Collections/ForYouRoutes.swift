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
            if !feed.personal {
                // Nothing to learn from yet: what is trending, and how to make the feed one's own.
                picks = try await community.papers.featured(FeedQuery(sort: .trending, trendingWindowDays: trendingWindowDays, limit: 30))
                    .map { ForYouStore.Pick(paper: .featured($0), score: 0, because: nil) }
            }
            let ids = picks.map(\.paper.paper.id)
            viewer.voted = try await community.votes.votedPapers(userID: viewer.account.id, among: ids)
            viewer.saved = try await community.collections.savedPapers(userID: viewer.account.id, among: ids.map(\.base))
            return PageResponses.html(ForYouPageView.render(picks, personal: feed.personal, site: community.site, viewer: viewer,
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
    static func render(_ picks: [ForYouStore.Pick], personal: Bool, site: SiteInfo, viewer: Viewer, notice: String?) -> String {
        Layout.page(site: site, title: "For you", description: "Recent papers ranked for you.", canonical: Route.forYou.path(),
                    viewer: viewer) { h in
            h.element("section", class: "for-you") { h in
                h.element("h1", text: "For you")
                h.notice(notice)
                if personal {
                    h.element("p", class: "muted", text: "Recent papers, featured or not, ranked by what you upvoted, saved and submitted. "
                        + "“Not interested” takes a paper out and ranks papers like it lower.")
                } else {
                    h.element("p", class: "notice", [("role", "status")]) { h in
                        h.text("Upvote or save a few papers and this page ranks new papers for you. Until then, what is trending; "
                            + "or browse the newest papers of a category: ")
                        for category in ["cs.LG", "cs.CV", "cs.CL", "cs.AI", "stat.ML"] {
                            h.link(ArrivalsPageView.path(category: category, day: nil), category)
                            h.text(" ")
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
