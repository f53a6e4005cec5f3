import DailyPapersCore
import DailyPapersStore
import Hummingbird

/// The HTML pages and the Markdown paper page.
struct PageRoutes: Sendable {
    let store: PaperStore
    let stats: StatsStore
    let site: SiteInfo
    let cache: ResponseCache
    let memberStates: MemberStateCache
    let community: Community

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.home.pattern) { req, ctx in try await feed(nil, req, ctx) }
        router.get(Route.papers.pattern) { req, ctx in try await feed(nil, req, ctx) }
        router.get(Route.day.pattern) { req, ctx in try await feed(try period(ctx, "date", FeedPeriod.parseDay), req, ctx) }
        router.get(Route.week.pattern) { req, ctx in try await feed(try period(ctx, "week", FeedPeriod.parseWeek), req, ctx) }
        router.get(Route.month.pattern) { req, ctx in try await feed(try period(ctx, "month", FeedPeriod.parseMonth), req, ctx) }
        router.get(Route.paper.pattern) { req, ctx in try await paper(try ctx.parameters.require("id"), req, ctx) }
        // Old-style ids contain a slash: /papers/hep-th/9901001
        router.get(Route.oldStylePaper.pattern) { req, ctx in
            try await paper("\(try ctx.parameters.require("id"))/\(try ctx.parameters.require("number"))", req, ctx)
        }
        router.get(Route.search.pattern) { req, ctx in try await search(req, ctx) }
        router.get(Route.stats.pattern) { req, _ in
            let entry = try await cache.entry("stats", contentType: "text/html; charset=utf-8") {
                try await StatsPage.render(stats: stats, site: site)
            }
            return Responses.cached(entry, request: req)
        }
    }

    private func period(_ ctx: AppRequestContext, _ name: String,
                        _ parse: (String) throws(PeriodError) -> FeedPeriod) throws -> FeedPeriod {
        let text = try ctx.parameters.require(name)
        do { return try parse(text) } catch {
            throw WebError.badRequest(error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
        }
    }

    /// The viewer with their upvotes among `papers`, or nil for anonymous readers (who get cached pages).
    func viewer(_ ctx: AppRequestContext, papers: [ArxivID]) async throws -> Viewer? {
        guard var v = Viewer(ctx) else { return nil }
        v.voted = try await community.votes.votedPapers(userID: v.account.id, among: papers)
        v.saved = try await community.collections.savedPapers(userID: v.account.id, among: papers.map(\.base))
        return v
    }

    /// A signed-in member's page: the rendering shared by members, filled with this member's parts. `states`
    /// is the member's view of the page's papers when the caller has read it already; else it is read here,
    /// in one query for all the page's vote buttons.
    func memberPage(_ template: PageTemplate, key: String, _ request: Request, _ ctx: AppRequestContext, viewer: Viewer,
                    states: [String: PaperViewerState]? = nil) async throws -> Response {
        var papers = states ?? [:]
        if states == nil { papers = try await memberState(viewer, page: key, papers: template.votePapers, request, ctx) }
        let fill = PersonalFill(viewer: viewer, notice: request.query["msg"].flatMap { Notices.text[$0] },
                                papers: papers, editWindow: community.settings.commentEditWindow)
        return PageResponses.html(template.render(fill.write))
    }

    /// The member's view of a page's papers: kept from an earlier request while it may be (see
    /// `MemberStateCache`), else read in one query and kept.
    func memberState(_ viewer: Viewer, page key: String, papers: [ArxivID], _ request: Request,
                     _ ctx: AppRequestContext) async throws -> [String: PaperViewerState] {
        let now = Date().timeIntervalSince1970
        let (_, counts) = try await cache.currentVersions()
        let wrote = Cookies.value(ctx.cookies.wrote, in: request).flatMap(Double.init).map { $0 / 1000 }
        let kept = "\(viewer.account.id)|\(key)"
        if let papers = memberStates.papers(kept, now: now, countsVersion: counts, wroteAt: wrote) { return papers }
        let read = try await community.votes.viewerState(userID: viewer.account.id, papers: papers)
        memberStates.keep(kept, read, readAt: now, countsVersion: counts)
        return read
    }

    func feed(_ period: FeedPeriod?, _ request: Request, _ ctx: AppRequestContext) async throws -> Response {
        let q = request.query
        let sort: FeedSort
        switch q["sort"] {
        case nil, "", "upvotes": sort = .upvotes
        case "trending": sort = .trending
        case "newest", "publishedAt": sort = .newest
        case "stars": sort = .stars
        case let other?: throw WebError.badRequest("Unknown sort '\(other)': use upvotes, trending, newest or stars.")
        }
        let code: Bool
        switch q["code"] {
        case nil, "", "0": code = false
        case "1": code = true
        case let other?: throw WebError.badRequest("code: '\(String(other.prefix(20)))' is not 1 (with code only) or 0.")
        }
        let page = try DailyPapersParameters.integer(q, "p", default: 0, range: 0...10_000)
        let canonical = period.map { SiteRoute.feed($0, sort: sort, code: code).path } ?? SiteRoute.latest(sort: sort, code: code).path
        let key = "feed|\(period?.key ?? "latest")|\(sort.rawValue)|\(code ? "code" : "all")|\(page)"
        if let viewer = Viewer(ctx) {
            let template = try await cache.template("member|" + key) {
                let model = try await FeedPageQuery.load(period, sort: sort, codeOnly: code, page: page, store: store)
                return (PageTemplate(FeedPageView.document(model, site: site, canonical: canonical, viewer: .anyMember)), 0,
                        .feed(model.period))
            }
            return try await memberPage(template, key: key, request, ctx, viewer: viewer)
        }
        let entry = try await cache.entry(key, contentType: "text/html; charset=utf-8") {
            let model = try await FeedPageQuery.load(period, sort: sort, codeOnly: code, page: page, store: store)
            return .init(text: FeedPageView.render(model, site: site, canonical: canonical), counts: .feed(model.period))
        }
        return Responses.cached(entry, request: request)
    }

    func paper(_ rawID: String, _ request: Request, _ ctx: AppRequestContext) async throws -> Response {
        let (text, suffixed) = PaperFormat.split(rawID)
        // The URL without a suffix answers by the Accept header: the page, or Markdown for a program that asks for it.
        let negotiated = suffixed == .page
        let format = negotiated && PaperFormat.prefersMarkdown(request.headers[.accept]) ? .markdown : suffixed
        let id = try WebError.arxivID(text)
        if format == .page, let viewer = Viewer(ctx), !viewer.account.canModerate {
            // The member's state first: their page must show the discussion at least as it was then, so their
            // own comment appears at once even where comment counts may lag.
            let states = try await memberState(viewer, page: "paper|\(id.base)", papers: [id], request, ctx)
            let template = try await cache.template("member|paper|\(id.base)",
                                                    minimumStamp: states[id.base]?.discussionVersion ?? 0) {
                let stamp = try await community.votes.discussionVersion(paper: id)
                guard let record = try await store.paper(id) else { throw notFound(id) }
                let similar = try await store.similar(to: id, limit: 8)
                let page = PaperPageView.document(record, history: try await stats.upvoteHistory(id),
                                                  comments: try await community.comments.comments(paper: id),
                                                  similar: similar, personal: .init(viewer: .anyMember), site: site)
                return (PageTemplate(page), stamp, Self.paperCounts(id, similar))
            }
            return try await memberPage(template, key: "paper|\(id.base)", request, ctx, viewer: viewer, states: states)
        }
        if format == .page, ctx.session != nil {
            // Moderators see hidden comments, hiding forms and why a paper is hidden: rendered per request.
            guard let record = try await store.paper(id) else { throw notFound(id) }
            async let history = stats.upvoteHistory(id)
            async let comments = community.comments.comments(paper: id)
            var personal = PaperPageView.Personal(viewer: try await viewer(ctx, papers: [id]),
                                                  notice: request.query["msg"].flatMap { Notices.text[$0] },
                                                  editWindow: community.settings.commentEditWindow)
            if personal.viewer?.account.canModerate == true { personal.hiddenReason = try await community.moderation.hiddenReason(paper: id) }
            return PageResponses.html(PaperPageView.render(record, history: try await history, comments: try await comments,
                                                           similar: try await store.similar(to: id, limit: 8),
                                                           personal: personal, site: site))
        }
        let key = "paper|\(id.base)|\(format.suffix)"
        let entry = try await cache.entry(key, contentType: format.contentType) {
            guard let record = try await store.paper(id) else { throw notFound(id) }
            if format != .page { return .init(text: format.text([record], site: site), counts: .papers([id.base])) }
            let similar = try await store.similar(to: id, limit: 8)
            return .init(text: PaperPageView.render(record, history: try await stats.upvoteHistory(id),
                                                    comments: try await community.comments.comments(paper: id),
                                                    similar: similar, site: site),
                         counts: Self.paperCounts(id, similar))
        }
        return Responses.cached(entry, request: request, varyByAccept: negotiated)
    }

    /// A paper page shows the paper's counts and discussion, and its similar papers' counts.
    static func paperCounts(_ id: ArxivID, _ similar: [(record: PaperRecord, score: Double)]) -> CountsScope {
        .papers([id.base] + similar.map { $0.record.paper.id.base })
    }

    func notFound(_ id: ArxivID) -> WebError {
        WebError.notFound("No paper \(id.base) on this site. It may not have been submitted or imported yet; "
            + "see https://arxiv.org/abs/\(id.base) on arXiv.")
    }

    func search(_ request: Request, _ ctx: AppRequestContext) async throws -> Response {
        let parameters: SearchParameters
        do { parameters = try SearchParameters.parse(request.query) } catch { throw WebError.badRequest(error.message) }
        // One rendering per search until the content changes, for readers and for members; the page shows
        // what was typed, so the key is the typed text (the cache is bounded by bytes).
        let key = "search|\(parameters.text)|\(parameters.filters.key)"
        if parameters.format != .page {
            let entry = try await cache.entry(key + "|" + parameters.format.suffix, contentType: parameters.format.contentType) {
                let hits = try await store.searchHits(parameters.text, filters: parameters.filters)
                return .init(text: parameters.format.text(hits.map(\.record), site: site), counts: .search(parameters.filters, hits))
            }
            return Responses.cached(entry, request: request)
        }
        if let viewer = Viewer(ctx) {
            let template = try await cache.template("member|" + key) {
                let hits = try await store.searchHits(parameters.text, filters: parameters.filters)
                return (PageTemplate(SearchPageView.document(parameters, hits: hits, site: site, viewer: .anyMember)), 0,
                        .search(parameters.filters, hits))
            }
            return try await memberPage(template, key: key, request, ctx, viewer: viewer)
        }
        let entry = try await cache.entry(key, contentType: "text/html; charset=utf-8") {
            let hits = try await store.searchHits(parameters.text, filters: parameters.filters)
            return .init(text: SearchPageView.render(parameters, hits: hits, site: site), counts: .search(parameters.filters, hits))
        }
        return Responses.cached(entry, request: request)
    }
}

import Foundation
