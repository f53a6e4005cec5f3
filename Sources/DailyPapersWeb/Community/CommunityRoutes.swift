import DailyPapersCore
import DailyPapersStore
import Hummingbird

/// Voting, submitting, commenting and claiming authorship. Each handler refuses first (sign-in,
/// confirmed email, ban, rate limit, CSRF, field rules) and only then writes.
struct CommunityRoutes: Sendable {
    let community: Community
    var site: SiteInfo { community.site }

    func register(on router: Router<AppRequestContext>) {
        router.post(Route.vote.pattern) { req, ctx in try await vote(req, ctx) }
        router.get(Route.submit.pattern) { req, ctx in
            let viewer = try member(ctx, returnTo: Route.submit.path(), requireVerified: false)
            return PageResponses.html(SubmitPageView.render(site: site, viewer: viewer, rules: community.settings.submissionRules))
        }
        router.post(Route.submit.pattern) { req, ctx in try await submit(req, ctx) }
        router.post(Route.comments.pattern) { req, ctx in try await comment(req, ctx) }
        router.post(Route.editComment.pattern) { req, ctx in try await editComment(req, ctx) }
        router.post(Route.deleteComment.pattern) { req, ctx in try await deleteComment(req, ctx) }
        router.post(Route.claims.pattern) { req, ctx in try await claim(req, ctx) }
    }

    /// The viewer when they may act: signed in, not banned, and (for posting) with a confirmed email.
    func member(_ ctx: AppRequestContext, returnTo: String?, requireVerified: Bool = true) throws -> Viewer {
        guard let viewer = Viewer(ctx) else { throw WebError.signInRequired(returnTo: returnTo) }
        guard !viewer.account.isBanned else { throw WebError.forbidden("This account is banned.") }
        if requireVerified, !viewer.account.emailVerified {
            throw WebError.forbidden("Confirm your email address first: follow the link we sent, or ask for a new one in Settings.")
        }
        return viewer
    }

    func paperID(_ form: FormInput, field: String = "paper") throws -> ArxivID {
        try WebError.arxivID(form.fields[field])
    }

    func vote(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        guard ctx.session != nil else { throw WebError.signInRequired(returnTo: req.headers[.referer].flatMap(Self.path(ofReferer:))) }
        let form = try await FormInput.read(req, context: ctx)
        let viewer = try member(ctx, returnTo: nil)
        try community.limiter.check(.vote, account: viewer.account.username, ip: ctx.clientIP)
        let id = try paperID(form)
        let wanted: Bool
        switch form.fields["vote"] {
        case "1": wanted = true
        case "0": wanted = false
        default: throw WebError.badRequest("vote must be 1 (upvote) or 0 (remove the upvote).")
        }
        let result: VoteStore.Result
        do { result = try await community.votes.setVote(userID: viewer.account.id, paper: id, voted: wanted) } catch VoteStore.VoteError.notOnFeed {
            throw WebError.notFound("Paper \(id.base) is not on the feed, so it cannot be upvoted.")
        }
        if req.headers[.accept]?.hasPrefix("application/json") == true {
            return Responses.json(VoteAnswer(paper: id.base, upvotes: result.upvotes, voted: result.voted, changed: result.changed))
        }
        let back = PageResponses.localPath(form.fields["next"]) ?? req.headers[.referer].flatMap(Self.path(ofReferer:))
            ?? SiteRoute.paper(id).path
        return PageResponses.redirect(back)
    }

    struct VoteAnswer: Encodable { let paper: String; let upvotes: Int; let voted: Bool; let changed: Bool }

    /// The path of a same-site Referer, to send a no-script voter back where they were.
    static func path(ofReferer referer: String) -> String? {
        guard let schemeEnd = referer.range(of: "://") else { return nil }
        let afterHost = referer[schemeEnd.upperBound...].drop(while: { $0 != "/" })
        return PageResponses.localPath(String(afterHost))
    }

    func submit(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let form = try await FormInput.read(req, context: ctx)
        let viewer = try member(ctx, returnTo: Route.submit.path())
        try community.limiter.check(.submit, account: viewer.account.username, ip: ctx.clientIP)
        let rules = community.settings.submissionRules
        func refuse(_ message: String, status: HTTPResponse.Status = .badRequest) -> Response {
            PageResponses.html(SubmitPageView.render(site: site, viewer: viewer, rules: rules, error: message,
                                                     typed: String((form.fields["paper"] ?? "").prefix(200)),
                                                     comment: String((form.fields["comment"] ?? "").prefix(Comment.maximumLength))),
                               status: status)
        }
        let id: ArxivID
        let comment: String?
        do {
            id = try paperID(form)
            comment = try form.text("comment", label: "Comment", maxLength: Comment.maximumLength, multiline: true)
        } catch let error as WebError where error.status == .badRequest { return refuse(error.message) } catch let error as FormError { return refuse(error.message) }
        var paper = try await community.papers.paper(id)?.paper
        if paper == nil, let fetch = community.fetchPaper {
            do { paper = try await fetch(id) } catch {
                ctx.logger.warning("arXiv lookup for \(id.base) failed: \(error)")
                return refuse("arXiv did not answer for \(id.base) just now; try again in a minute.", status: .badGateway)
            }
        }
        guard let paper else { return refuse("No paper \(id.base) was found on arXiv or on this site.", status: .notFound) }
        do {
            switch try await community.submissions.submit(paper, userID: viewer.account.id, comment: comment, rules: rules) {
            case .featured: return PageResponses.redirect(SiteRoute.paper(id).path + "?msg=submitted")
            case .alreadyFeatured(_, let upvoted):
                return PageResponses.redirect(SiteRoute.paper(id).path + (upvoted ? "?msg=already-featured" : "?msg=already-upvoted"))
            }
        } catch SubmissionStore.SubmissionError.dailyCapReached(let cap) {
            return refuse("You have submitted \(cap) papers today, the most allowed per day. Try again tomorrow (UTC).", status: .tooManyRequests)
        } catch SubmissionStore.SubmissionError.tooOld(let days, let limit) {
            return refuse("\(id.base) was first published \(days) days ago; this site takes papers up to \(limit) days old.")
        } catch SubmissionStore.SubmissionError.removedByModerators {
            return refuse("\(id.base) was removed from the feed by the moderators and cannot be submitted again.", status: .forbidden)
        }
    }

    func commentBody(_ form: FormInput) throws -> String {
        do {
            return try form.required("body", label: "Comment", maxLength: Comment.maximumLength, multiline: true)
        } catch { throw WebError.badRequest(error.message) }
    }

    func comment(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let form = try await FormInput.read(req, context: ctx)
        let id = try paperID(form)
        let viewer = try member(ctx, returnTo: SiteRoute.paper(id).path)
        try community.limiter.check(.comment, account: viewer.account.username, ip: ctx.clientIP)
        let body = try commentBody(form)
        var parent: Int?
        if let p = form.fields["parent"], !p.isEmpty {
            guard let n = Int(p), n > 0 else { throw WebError.badRequest("parent must be a comment number.") }
            parent = n
        }
        do {
            let newID = try await community.comments.add(paper: id, parentID: parent, userID: viewer.account.id, body: body)
            try await NotificationRoutes.commented(commentID: newID, community: community)
            return PageResponses.redirect(SiteRoute.paper(id).path + "?msg=commented#c\(newID)")
        } catch let error as CommentStore.CommentError {
            throw Self.refusal(error)
        }
    }

    func commentID(_ ctx: AppRequestContext) throws -> Int {
        guard let n = Int(try ctx.parameters.require("id")), n > 0 else { throw WebError.badRequest("Comment numbers are whole numbers.") }
        return n
    }

    func editComment(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let form = try await FormInput.read(req, context: ctx)
        let viewer = try member(ctx, returnTo: nil)
        let id = try commentID(ctx)
        try community.limiter.check(.comment, account: viewer.account.username, ip: ctx.clientIP)
        let body = try commentBody(form)
        do {
            try await community.comments.edit(commentID: id, userID: viewer.account.id, body: body,
                                              window: community.settings.commentEditWindow)
        } catch let error as CommentStore.CommentError { throw Self.refusal(error) }
        let paper = try await community.comments.comment(id: id)?.paperID
        return PageResponses.redirect((paper.map { SiteRoute.paper($0).path } ?? "/") + "?msg=comment-edited#c\(id)")
    }

    func deleteComment(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        _ = try await FormInput.read(req, context: ctx)
        let viewer = try member(ctx, returnTo: nil, requireVerified: false)
        let id = try commentID(ctx)
        do { try await community.comments.delete(commentID: id, userID: viewer.account.id) } catch let error as CommentStore.CommentError {
            throw Self.refusal(error)
        }
        let paper = try await community.comments.comment(id: id)?.paperID
        return PageResponses.redirect((paper.map { SiteRoute.paper($0).path } ?? "/") + "?msg=comment-deleted")
    }

    static func refusal(_ error: CommentStore.CommentError) -> any Error {
        switch error {
        case .notOnFeed: return WebError.notFound("That paper is not on the feed, so it has no discussion.")
        case .noSuchComment: return WebError.notFound("There is no such comment.")
        case .parentElsewhere: return WebError.badRequest("The comment you replied to belongs to another paper.")
        case .parentDeleted: return WebError.badRequest("The comment you replied to was deleted.")
        case .notYours: return WebError.forbidden("Only its author can change a comment.")
        case .editWindowPassed: return WebError.forbidden("Comments can be edited only in the first minutes after posting.")
        case .alreadyDeleted: return WebError.badRequest("That comment was deleted already.")
        }
    }

    func claim(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let form = try await FormInput.read(req, context: ctx)
        let id = try paperID(form)
        let viewer = try member(ctx, returnTo: SiteRoute.paper(id).path)
        guard let position = form.fields["author"].flatMap(Int.init), position >= 0 else {
            throw WebError.badRequest("Choose which author you are.")
        }
        do {
            try await community.claims.claim(paper: id, authorPosition: position, userID: viewer.account.id)
        } catch ClaimStore.ClaimError.noSuchAuthor {
            throw WebError.badRequest("Paper \(id.base) has no author number \(position).")
        } catch ClaimStore.ClaimError.alreadyClaimed {
            throw WebError.badRequest("That authorship is claimed already.")
        }
        return PageResponses.redirect(SiteRoute.paper(id).path + "?msg=claimed")
    }
}
