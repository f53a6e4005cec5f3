import DailyPapersCore
import DailyPapersJobs
import DailyPapersMail
import DailyPapersStore
import Hummingbird

/// Subscribing to the digest (double opt-in), the manage page behind every mail's token, and
/// unsubscribing, including RFC 8058 one-click POSTs from mail providers.
struct SubscriptionRoutes: Sendable {
    let community: Community
    let subscriptions: SubscriptionStore
    var site: SiteInfo { community.site }
    var secure: Bool { community.secureCookies }

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.subscribe.pattern) { req, ctx in
            let (token, cookie) = PageResponses.formToken(req, secure: secure)
            var form = SubscriptionPagesView.Form()
            form.email = String((req.query["email"] ?? Viewer(ctx)?.account.email ?? "").prefix(254))
            return PageResponses.html(SubscriptionPagesView.subscribe(site: site, formToken: ctx.session?.csrfToken ?? token, form: form,
                                                                      viewer: Viewer(ctx)), cookies: cookie)
        }
        router.post(Route.subscribe.pattern) { req, ctx in try await subscribe(req, ctx) }
        router.get(Route.subscribeConfirm.pattern) { req, ctx in
            PageResponses.linkConfirmation(req, ctx, site: site, secure: secure, title: "Confirm your subscription",
                                           explanation: "Start getting the \(site.name) digest at this address.",
                                           action: Route.subscribeConfirm.path(), button: "Confirm my subscription")
        }
        router.post(Route.subscribeConfirm.pattern) { req, ctx in
            let form = try await FormInput.read(req, context: ctx)
            guard let token = form.fields["token"], token.utf8.count <= 100,
                  let s = try await subscriptions.confirm(tokenHash: Secrets.hash(token)) else {
                return PageResponses.html(AccountPagesView.message(site: site, title: "Link expired",
                    message: "This confirmation link has expired or was used already. Subscribe again to get a new one."), status: .badRequest)
            }
            return PageResponses.redirect(Route.subscription.path(s.manageToken) + "?msg=subscribed")
        }
        router.get(Route.subscription.pattern) { req, ctx in
            let token = try ctx.parameters.require("token")
            guard let s = try await subscriptions.subscription(manageToken: token) else { throw Self.unknownLink }
            let (formToken, cookie) = PageResponses.formToken(req, secure: secure)
            let notice = req.query["msg"].flatMap { ["subscribed": "You are subscribed. This page's address is your key: keep it, or use the link in any digest.",
                                                      "saved": "Saved."][$0] }
            return PageResponses.html(SubscriptionPagesView.manage(site: site, formToken: ctx.session?.csrfToken ?? formToken, token: token,
                                                                   subscription: s, viewer: Viewer(ctx), notice: notice), cookies: cookie)
        }
        router.post(Route.subscription.pattern) { req, ctx in
            let token = try ctx.parameters.require("token")
            let form = try await FormInput.read(req, context: ctx)
            guard let s = try await subscriptions.subscription(manageToken: token) else { throw Self.unknownLink }
            do {
                try await subscriptions.update(manageToken: token, preferences: try Self.preferences(form))
            } catch let error as FormError {
                return PageResponses.html(SubscriptionPagesView.manage(site: site, formToken: form.fields["csrf"] ?? "", token: token,
                                                                       subscription: s, viewer: Viewer(ctx), error: error.message), status: .badRequest)
            }
            return PageResponses.redirect(Route.subscription.path(token) + "?msg=saved")
        }
        router.get(Route.unsubscribe.pattern) { _, ctx in
            let token = try ctx.parameters.require("token")
            guard let s = try await subscriptions.subscription(manageToken: token) else { throw Self.unknownLink }
            return PageResponses.html(SubscriptionPagesView.unsubscribe(site: site, token: token, email: s.email,
                                                                        done: s.status == .unsubscribed))
        }
        // RFC 8058: mail providers POST "List-Unsubscribe=One-Click" with no cookies and no page in between.
        // The unguessable token is the authority here, so this is the one POST without a CSRF token.
        router.post(Route.unsubscribe.pattern) { _, ctx in
            let token = try ctx.parameters.require("token")
            guard token.utf8.count <= 100, let s = try await subscriptions.subscription(manageToken: token) else { throw Self.unknownLink }
            try await subscriptions.unsubscribe(manageToken: token)
            return PageResponses.html(SubscriptionPagesView.unsubscribe(site: site, token: token, email: s.email, done: true))
        }
    }

    static let unknownLink = WebError.notFound("This subscription link is not known here: it may have been mistyped, or the subscription removed.")

    func subscribe(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let form = try await FormInput.read(req, context: ctx)
        let typed = String((form.fields["email"] ?? "").trimmingCharacters(in: .whitespaces).prefix(254))
        let viewer = Viewer(ctx)
        func refuse(_ message: String, _ prefs: DigestPreferences = DigestPreferences()) -> Response {
            PageResponses.html(SubscriptionPagesView.subscribe(site: site, formToken: form.fields["csrf"] ?? "",
                                                               form: .init(email: typed, preferences: prefs), viewer: viewer, error: message),
                               status: .badRequest)
        }
        let address: MailAddress
        do { address = try MailAddress(typed) } catch { return refuse("Email: \(error.description).") }
        let preferences: DigestPreferences
        do { preferences = try Self.preferences(form) } catch { return refuse(error.message) }
        try community.limiter.check(.mail, account: address.address, ip: ctx.clientIP)
        let confirmToken = Secrets.token()
        let now = Timestamp.now
        let digestSite = DigestSite(name: site.name, publicURL: site.publicURL, from: community.mailFrom)
        let userID = viewer?.account.email?.lowercased() == address.address.lowercased() ? viewer?.account.id : nil
        switch try await subscriptions.subscribe(email: address.address, preferences: preferences, userID: userID,
                                                 manageToken: Secrets.token(), confirmTokenHash: Secrets.hash(confirmToken),
                                                 expiresAt: now.adding(seconds: 48 * 3600), now: now) {
        case .confirmationNeeded(let s):
            let message = DigestMail.confirmation(
                to: address, link: site.publicURL + Route.subscribeConfirm.path() + "?token=" + confirmToken,
                manage: site.publicURL + Route.subscription.path(s.manageToken), site: digestSite)
            community.outbox.enqueue("subscription confirmation") { [community] in try await community.mail.send(message) }
        case .alreadyActive(let s):
            let message = MailMessage(from: community.mailFrom, to: address,
                subject: "You are already subscribed to \(site.name)",
                text: "This address already gets the \(site.name) digest. Change what you get, or unsubscribe, at:\n\n"
                    + site.publicURL + Route.subscription.path(s.manageToken) + "\n")
            community.outbox.enqueue("subscription notice") { [community] in try await community.mail.send(message) }
        case .confirmationRecentlySent:
            break
        }
        // One answer whatever the address's state, so the form tells no one who is subscribed.
        return PageResponses.html(AccountPagesView.message(site: site, title: "Check your inbox",
            message: "If \(address.address) is not subscribed yet, a confirmation link is on its way (it works for 48 hours). Nothing else is sent until it is followed.",
            viewer: viewer))
    }

    /// Reads and checks the preference fields; each problem names its field.
    static func preferences(_ form: FormInput) throws(FormError) -> DigestPreferences {
        var p = DigestPreferences()
        switch form.fields["frequency"] ?? "daily" {
        case "daily": p.frequency = .daily
        case "weekly": p.frequency = .weekly
        case let other: throw FormError("How often: '\(other.prefix(20))' is not daily or weekly.")
        }
        if let text = form.fields["size"], !text.isEmpty {
            guard let n = Int(text), DigestPreferences.sizes.contains(n) else { throw FormError("Papers per digest must be a number from 5 to 50.") }
            p.size = n
        }
        func list(_ name: String, label: String, max: Int, each: Int) throws(FormError) -> [String] {
            let items = (try form.text(name, label: label, maxLength: 1000) ?? "")
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard items.count <= max else { throw FormError("\(label): at most \(max) entries.") }
            if let long = items.first(where: { $0.count > each }) { throw FormError("\(label): '\(long.prefix(30))…' is longer than \(each) characters.") }
            return items
        }
        p.categories = try list("categories", label: "arXiv categories", max: 20, each: 40)
        if let bad = p.categories.first(where: { !ArxivCategory.isPlausible($0) }) {
            throw FormError("arXiv categories: '\(bad.prefix(40))' is not a category such as cs.LG.")
        }
        p.keywords = try list("keywords", label: "Keywords", max: 20, each: 100)
        p.authors = try list("authors", label: "Authors", max: 50, each: 100)
        p.sendWhenEmpty = form.fields["send_when_empty"] == "1"
        p.personalSections = form.fields["personal_sections"] == "1"
        return p
    }
}
