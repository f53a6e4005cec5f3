import DailyPapersCore
import DailyPapersStore
import Hummingbird

/// Moderators hide papers and comments and ban members; admins also decide authorship claims.
/// Every action needs a reason and lands in the moderation log.
struct ModerationRoutes: Sendable {
    let community: Community
    var site: SiteInfo { community.site }

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.moderation.pattern) { _, ctx in
            let viewer = try staff(ctx, .moderator)
            async let log = community.moderation.log()
            async let claims = viewer.account.role == .admin ? community.claims.pending() : []
            return PageResponses.html(ModerationPageView.render(site: site, viewer: viewer, log: try await log, claims: try await claims))
        }
        router.post(Route.hidePaper.pattern) { req, ctx in
            let (viewer, form, reason) = try await action(req, ctx)
            let id = try WebError.arxivID(form.fields["paper"])
            do { try await community.moderation.hidePaper(id, reason: reason, moderatorID: viewer.account.id) } catch ModerationStore.ModerationError.notFound {
                throw WebError.notFound("Paper \(id.base) is not on the feed.")
            }
            return PageResponses.redirect(Route.moderation.path() + "?msg=moderated")
        }
        router.post(Route.hideComment.pattern) { req, ctx in
            let (viewer, form, reason) = try await action(req, ctx)
            guard let id = form.fields["comment"].flatMap(Int.init) else { throw WebError.badRequest("comment: not a comment number.") }
            do { try await community.moderation.hideComment(id, reason: reason, moderatorID: viewer.account.id) } catch ModerationStore.ModerationError.notFound {
                throw WebError.notFound("There is no comment \(id).")
            }
            return PageResponses.redirect(Route.moderation.path() + "?msg=moderated")
        }
        router.post(Route.ban.pattern) { req, ctx in
            let (viewer, form, reason) = try await action(req, ctx)
            let name = String((form.fields["username"] ?? "").prefix(40))
            do { try await community.moderation.ban(username: name, reason: reason, moderatorID: viewer.account.id) } catch ModerationStore.ModerationError.notFound {
                throw WebError.notFound("There is no user '\(name)'.")
            } catch ModerationStore.ModerationError.cannotBanStaff {
                throw WebError.forbidden("Moderators and admins cannot be banned; an admin changes their role first.")
            }
            return PageResponses.redirect(Route.moderation.path() + "?msg=moderated")
        }
        router.post(Route.moderationClaims.pattern) { req, ctx in
            let form = try await FormInput.read(req, context: ctx)
            let viewer = try staff(ctx, .admin)
            let id = try WebError.arxivID(form.fields["paper"])
            let username = String((form.fields["username"] ?? "").prefix(40))
            let confirm: Bool
            switch form.fields["decision"] {
            case "confirm": confirm = true
            case "reject": confirm = false
            default: throw WebError.badRequest("decision must be confirm or reject.")
            }
            do { try await community.claims.decide(paper: id, username: username, confirm: confirm, adminID: viewer.account.id) } catch ClaimStore.ClaimError.noSuchClaim {
                throw WebError.notFound("No pending claim by '\(username)' on \(id.base).")
            }
            return PageResponses.redirect(Route.moderation.path() + "?msg=moderated")
        }
    }

    func staff(_ ctx: AppRequestContext, _ role: Role) throws -> Viewer {
        guard let viewer = Viewer(ctx) else { throw WebError.signInRequired(returnTo: Route.moderation.path()) }
        guard viewer.account.canModerate, viewer.account.role >= role else {
            throw WebError.forbidden(role == .admin ? "Only admins can do this." : "Only moderators can see this page.")
        }
        return viewer
    }

    func action(_ req: Request, _ ctx: AppRequestContext) async throws -> (Viewer, FormInput, String) {
        let form = try await FormInput.read(req, context: ctx)
        let viewer = try staff(ctx, .moderator)
        do {
            return (viewer, form, try form.required("reason", label: "Reason", maxLength: 500))
        } catch { throw WebError.badRequest(error.message) }
    }
}
