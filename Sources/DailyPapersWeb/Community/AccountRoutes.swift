import DailyPapersCore
import DailyPapersMail
import DailyPapersStore
import Hummingbird

/// Sign up, email confirmation, log in and out, password change and reset. Answers never tell a
/// stranger whether an email address has an account.
struct AccountRoutes: Sendable {
    let community: Community
    var site: SiteInfo { community.site }
    var secure: Bool { community.secureCookies }
    var cookies: Cookies { Cookies(secure: secure) }

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.signup.pattern) { req, ctx in
            if ctx.session != nil { return PageResponses.redirect("/") }
            let (token, cookie) = PageResponses.formToken(req, secure: secure)
            return PageResponses.html(AccountPagesView.signup(site: site, formToken: token), cookies: cookie)
        }
        router.post(Route.signup.pattern) { req, ctx in try await signup(req, ctx) }
        router.get(Route.login.pattern) { req, ctx in
            let (token, cookie) = PageResponses.formToken(req, secure: secure)
            let notice = req.query["msg"].flatMap { Notices.text[$0] }
            return PageResponses.html(AccountPagesView.login(site: site, formToken: token, notice: notice,
                                                             next: PageResponses.localPath(req.query["next"])), cookies: cookie)
        }
        router.post(Route.login.pattern) { req, ctx in try await login(req, ctx) }
        router.post(Route.logout.pattern) { req, ctx in
            _ = try await FormInput.read(req, context: ctx)
            if let s = ctx.session { try await community.sessions.delete(tokenHash: s.tokenHash) }
            return PageResponses.redirect("/", cookies: [cookies.clear(cookies.session)])
        }
        router.get(Route.verifyEmail.pattern) { req, ctx in
            PageResponses.linkConfirmation(req, ctx, site: site, secure: secure, title: "Confirm your email",
                                           explanation: "Confirm the email address of your \(site.name) account.",
                                           action: Route.verifyEmail.path(), button: "Confirm my email")
        }
        router.post(Route.verifyEmail.pattern) { req, ctx in try await verifyEmail(req, ctx) }
        router.get(Route.settings.pattern) { req, ctx in
            guard let viewer = Viewer(ctx) else { return PageResponses.redirect(Route.login.path() + "?next=" + Route.settings.path()) }
            return PageResponses.html(try await community.settingsPage(viewer, notice: req.query["msg"].flatMap { Notices.text[$0] }))
        }
        router.post(Route.settingsVerify.pattern) { req, ctx in
            _ = try await FormInput.read(req, context: ctx)
            guard let viewer = Viewer(ctx), let email = viewer.account.email else { return PageResponses.redirect(Route.login.path()) }
            try community.limiter.check(.mail, account: email, ip: ctx.clientIP)
            sendVerification(viewer.account)
            return PageResponses.redirect(Route.settings.path() + "?msg=verify-sent")
        }
        router.post(Route.settingsPassword.pattern) { req, ctx in try await changePassword(req, ctx) }
        router.get(Route.passwordReset.pattern) { req, _ in
            let (token, cookie) = PageResponses.formToken(req, secure: secure)
            return PageResponses.html(AccountPagesView.resetRequest(site: site, formToken: token), cookies: cookie)
        }
        router.post(Route.passwordReset.pattern) { req, ctx in try await requestReset(req, ctx) }
        router.get(Route.passwordResetToken.pattern) { req, ctx in
            let link = try ctx.parameters.require("token")
            guard try await community.tokens.isLive(tokenHash: Secrets.hash(link), purpose: .resetPassword, now: .now) else {
                return PageResponses.html(AccountPagesView.message(site: site, title: "Link expired",
                    message: "This reset link has expired or was used already. Ask for a new one on the password reset page."), status: .badRequest)
            }
            let (token, cookie) = PageResponses.formToken(req, secure: secure)
            return PageResponses.html(AccountPagesView.resetForm(site: site, formToken: token, token: link), cookies: cookie)
        }
        router.post(Route.passwordResetToken.pattern) { req, ctx in try await reset(req, ctx) }
    }

    func signup(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        try community.limiter.check(.signup, account: nil, ip: ctx.clientIP)
        let form = try await FormInput.read(req, context: ctx)
        let token = Cookies.value(cookies.formToken, in: req) ?? ""
        let username = form.fields["username"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let emailText = form.fields["email"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let fullnameText = form.fields["fullname"] ?? ""
        func refuse(_ message: String) -> Response {
            PageResponses.html(AccountPagesView.signup(site: site, formToken: token, error: message,
                                                       username: String(username.prefix(32)), fullname: String(fullnameText.prefix(80)),
                                                       email: String(emailText.prefix(254))), status: .badRequest)
        }
        if let problem = AccountRules.checkUsername(username) { return refuse(problem) }
        let fullname: String
        do { fullname = try form.text("fullname", label: "Full name", maxLength: 80) ?? username } catch { return refuse(error.message) }
        if let problem = AccountRules.checkFullname(fullname) { return refuse(problem) }
        let address: MailAddress
        do { address = try MailAddress(emailText) } catch { return refuse("Email: \(error.description).") }
        let password = form.password("password")
        if let problem = AccountRules.checkPassword(password, username: username) { return refuse(problem) }
        let hash = try await community.hasher.hash(password)
        do {
            let account = try await community.accounts.create(username: username, fullname: fullname,
                                                              email: address.address, passwordHash: hash)
            sendVerification(account)
        } catch AccountStore.CreateError.usernameTaken {
            return refuse("The username '\(username)' is taken; choose another.")
        } catch AccountStore.CreateError.emailTaken {
            // Same answer as a new account; the owner of the address learns of it by mail.
            community.outbox.enqueue("sign-up notice to an existing account") { [community, site] in
                guard let existing = try await community.accounts.account(email: address.address) else { return }
                try await community.mail.send(AccountMail.alreadyRegistered(
                    to: address, from: community.mailFrom, username: existing.username,
                    resetLink: site.publicURL + Route.passwordReset.path(), site: site.name))
            }
        }
        return PageResponses.html(AccountPagesView.message(site: site, title: "Check your inbox",
            message: "We sent a confirmation link to \(address.address). Follow it to activate your account; until then you can log in and read, but not post or vote."))
    }

    /// Issues a confirmation link and mails it, after the response.
    func sendVerification(_ account: Account) {
        guard let email = account.email, let to = try? MailAddress(email) else { return }
        community.outbox.enqueue("confirmation mail") { [community, site] in
            let link = Secrets.token()
            let now = Timestamp.now
            try await community.tokens.issue(tokenHash: Secrets.hash(link), userID: account.id, purpose: .verifyEmail,
                                             now: now, expiresAt: now.adding(seconds: 48 * 3600))
            try await community.mail.send(AccountMail.verify(to: to, from: community.mailFrom, username: account.username,
                                                             link: site.publicURL + Route.verifyEmail.path() + "?token=" + link, site: site.name))
        }
    }

    func verifyEmail(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let form = try await FormInput.read(req, context: ctx)
        guard let link = form.fields["token"], link.utf8.count <= 100,
              let userID = try await community.tokens.consume(tokenHash: Secrets.hash(link), purpose: .verifyEmail, now: .now) else {
            return PageResponses.html(AccountPagesView.message(site: site, title: "Link expired",
                message: "This confirmation link has expired or was used already. Log in and ask for a new one in Settings."),
                status: .badRequest)
        }
        try await community.accounts.markEmailVerified(userID: userID)
        // No sign-in here: a link sent by someone else must not sign a browser into the sender's account
        // (log-in CSRF), and a reader signed in already keeps their session.
        return PageResponses.redirect(ctx.session == nil ? Route.login.path() + "?msg=verified-login" : Route.home.path() + "?msg=verified")
    }

    func login(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let form = try await FormInput.read(req, context: ctx)
        let name = String((form.fields["login"] ?? "").trimmingCharacters(in: .whitespaces).prefix(254))
        try community.limiter.check(.login, account: name, ip: ctx.clientIP)
        let password = form.password("password")
        let next = PageResponses.localPath(form.fields["next"])
        let found = name.isEmpty ? nil : try await community.accounts.credentials(login: name)
        let ok = try await community.hasher.verify(password, hash: found?.passwordHash ?? community.hasher.decoyHash)
        guard ok, let account = found?.account, found?.passwordHash != nil else {
            let token = Cookies.value(cookies.formToken, in: req) ?? ""
            return PageResponses.html(AccountPagesView.login(site: site, formToken: token, error: "Wrong username, email or password.",
                                                             login: name, next: next), status: .badRequest)
        }
        guard !account.isBanned else {
            throw WebError.forbidden("This account is banned" + (account.banReason.map { ": \($0)" } ?? "."))
        }
        return PageResponses.redirect(next ?? "/", cookies: [try await startSession(userID: account.id)])
    }

    /// A new session and its cookie. A fresh token on every sign-in (no fixation of an older one).
    func startSession(userID: Int) async throws -> String {
        let token = Secrets.token()
        let now = Timestamp.now
        let lifetime = community.settings.sessionLifetimeDays * 86_400
        try await community.sessions.create(tokenHash: Secrets.hash(token), userID: userID, csrfToken: Secrets.token(),
                                            now: now, expiresAt: now.adding(seconds: lifetime))
        return cookies.set(cookies.session, token, maxAge: Int(lifetime))
    }

    func changePassword(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let form = try await FormInput.read(req, context: ctx)
        guard let viewer = Viewer(ctx), let session = ctx.session else { return PageResponses.redirect(Route.login.path() + "?next=" + Route.settings.path()) }
        try community.limiter.check(.login, account: viewer.account.username, ip: ctx.clientIP)
        guard let stored = try await community.accounts.credentials(login: viewer.account.username)?.passwordHash,
              try await community.hasher.verify(form.password("current"), hash: stored) else {
            return PageResponses.html(try await community.settingsPage(viewer, error: "The current password is wrong."), status: .badRequest)
        }
        let password = form.password("password")
        if let problem = AccountRules.checkPassword(password, username: viewer.account.username) {
            return PageResponses.html(try await community.settingsPage(viewer, error: problem), status: .badRequest)
        }
        try await community.accounts.setPassword(userID: viewer.account.id, hash: try await community.hasher.hash(password),
                                                 keepingSession: session.tokenHash)
        return PageResponses.redirect(Route.settings.path() + "?msg=password-changed")
    }

    func requestReset(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let form = try await FormInput.read(req, context: ctx)
        let token = Cookies.value(cookies.formToken, in: req) ?? ""
        let emailText = (form.fields["email"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let address = try? MailAddress(emailText) else {
            return PageResponses.html(AccountPagesView.resetRequest(site: site, formToken: token,
                error: "That is not an email address."), status: .badRequest)
        }
        try community.limiter.check(.mail, account: address.address, ip: ctx.clientIP)
        // Looked up after the response, so known and unknown addresses answer alike and as fast.
        community.outbox.enqueue("password reset mail") { [community, site] in
            guard let account = try await community.accounts.account(email: address.address), !account.isBanned else { return }
            let link = Secrets.token()
            let now = Timestamp.now
            try await community.tokens.issue(tokenHash: Secrets.hash(link), userID: account.id, purpose: .resetPassword,
                                             now: now, expiresAt: now.adding(seconds: 3600))
            try await community.mail.send(AccountMail.reset(to: address, from: community.mailFrom, username: account.username,
                                                            link: site.publicURL + Route.passwordResetToken.path(link), site: site.name))
        }
        return PageResponses.html(AccountPagesView.resetRequest(site: site, formToken: token,
            notice: "If an account uses \(address.address), a reset link is on its way. It works for one hour."))
    }

    func reset(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let link = try ctx.parameters.require("token")
        let form = try await FormInput.read(req, context: ctx)
        let password = form.password("password")
        // Usernames are not known before the token is used; the username rule is checked after.
        if let problem = AccountRules.checkPassword(password, username: "") {
            let token = Cookies.value(cookies.formToken, in: req) ?? ""
            return PageResponses.html(AccountPagesView.resetForm(site: site, formToken: token, token: link, error: problem), status: .badRequest)
        }
        guard let userID = try await community.tokens.consume(tokenHash: Secrets.hash(link), purpose: .resetPassword, now: .now) else {
            return PageResponses.html(AccountPagesView.message(site: site, title: "Link expired",
                message: "This reset link has expired or was used already. Ask for a new one on the password reset page."), status: .badRequest)
        }
        try await community.accounts.setPassword(userID: userID, hash: try await community.hasher.hash(password))
        return PageResponses.redirect(Route.login.path() + "?msg=password-reset")
    }
}

/// Fixed messages shown after a redirect (`?msg=code`), so a link cannot put arbitrary text on a page.
enum Notices {
    static let text: [String: String] = [
        "verified": "Your email is confirmed. Welcome!",
        "verified-login": "Your email is confirmed. Log in to start.",
        "verify-sent": "A new confirmation link is on its way.",
        "token-revoked": "The token is revoked: programs using it are refused from now on.",
        "notifications-saved": "Your mail choices are saved.",
        "collection-made": "The collection is made. It is private until you make it public.",
        "collection-saved": "The collection is saved.",
        "collection-deleted": "The collection is deleted; its papers are still on the site.",
        "password-changed": "Your password was changed; your other sessions were signed out.",
        "password-reset": "Your password was changed. Log in with the new one.",
        "submitted": "Thanks! The paper is on today's feed.",
        "links-saved": "The paper's links are saved.",
        "already-featured": "That paper was on the feed already; your submission counted as an upvote.",
        "already-upvoted": "That paper was on the feed already, and you had upvoted it.",
        "commented": "Your comment is posted.",
        "comment-edited": "Your comment was updated.",
        "comment-deleted": "Your comment was deleted.",
        "claimed": "Your claim was sent; an admin will confirm it.",
        "moderated": "Done. The action is in the moderation log.",
    ]
}
