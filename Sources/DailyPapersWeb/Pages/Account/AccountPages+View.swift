import DailyPapersCore
import DailyPapersStore

/// Sign up, log in, password reset and settings: small forms that keep what was typed (never a
/// password) and say above the form what was wrong.
enum AccountPagesView {
    static func signup(site: SiteInfo, formToken: String, error: String? = nil, username: String? = nil,
                       fullname: String? = nil, email: String? = nil) -> String {
        form(site: site, title: "Sign up", path: Route.signup.path(), viewer: nil) { h in
            h.notice(error, error: true)
            h.postForm(Route.signup.path(), class: "stack", csrf: formToken) { h in
                h.field("username", label: "Username", value: username, maxLength: 32, autocomplete: "username",
                        hint: "2-32 letters, digits, - or _. Shown next to what you post.")
                h.field("fullname", label: "Full name (optional)", value: fullname, maxLength: 80, required: false, autocomplete: "name")
                h.field("email", label: "Email", type: "email", value: email, maxLength: 254, autocomplete: "email",
                        hint: "We send a confirmation link; it is never shown to others.")
                h.field("password", label: "Password", type: "password", maxLength: 72, autocomplete: "new-password",
                        hint: "At least \(AccountRules.minimumPasswordLength) characters.")
                h.element("p") { h in h.submit("Create account") }
            }
            h.element("p") { h in
                h.text("Have an account? ")
                h.link(Route.login.path(), "Log in")
                h.text(".")
            }
        }
    }

    static func login(site: SiteInfo, formToken: String, error: String? = nil, notice: String? = nil,
                      login: String? = nil, next: String? = nil) -> String {
        form(site: site, title: "Log in", path: Route.login.path(), viewer: nil) { h in
            h.notice(notice)
            h.notice(error, error: true)
            h.postForm(Route.login.path(), class: "stack", csrf: formToken) { h in
                if let next { h.hidden("next", next) }
                h.field("login", label: "Username or email", value: login, maxLength: 254, autocomplete: "username")
                h.field("password", label: "Password", type: "password", maxLength: 72, autocomplete: "current-password")
                h.element("p") { h in h.submit("Log in") }
            }
            h.element("p") { h in
                h.link(Route.passwordReset.path(), "Forgot your password?")
                h.text(" · ")
                h.link(Route.signup.path(), "Sign up")
            }
        }
    }

    static func resetRequest(site: SiteInfo, formToken: String, notice: String? = nil, error: String? = nil) -> String {
        form(site: site, title: "Reset your password", path: Route.passwordReset.path(), viewer: nil) { h in
            h.notice(notice)
            h.notice(error, error: true)
            h.postForm(Route.passwordReset.path(), class: "stack", csrf: formToken) { h in
                h.field("email", label: "Your account's email", type: "email", maxLength: 254, autocomplete: "email")
                h.element("p") { h in h.submit("Send a reset link") }
            }
        }
    }

    static func resetForm(site: SiteInfo, formToken: String, token: String, error: String? = nil) -> String {
        form(site: site, title: "Choose a new password", path: Route.passwordReset.path(), viewer: nil) { h in
            h.notice(error, error: true)
            h.postForm(Route.passwordResetToken.path(token), class: "stack", csrf: formToken) { h in
                h.field("password", label: "New password", type: "password", maxLength: 72, autocomplete: "new-password",
                        hint: "At least \(AccountRules.minimumPasswordLength) characters.")
                h.element("p") { h in h.submit("Set password") }
            }
        }
    }

    static func settings(site: SiteInfo, viewer: Viewer, notice: String? = nil, error: String? = nil,
                         tokens: [AccessTokenStore.Token] = [], newToken: (name: String, token: String)? = nil) -> String {
        form(site: site, title: "Settings", path: Route.settings.path(), viewer: viewer) { h in
            h.notice(notice)
            h.notice(error, error: true)
            h.section("s-email", "Email") { h in
                h.element("p", text: (viewer.account.email ?? "No email on this account.")
                          + (viewer.account.emailVerified ? " (confirmed)" : " (not confirmed yet: you can read, but not post or vote)"))
                if !viewer.account.emailVerified {
                    h.postForm(Route.settingsVerify.path(), csrf: viewer.csrf) { h in h.submit("Send the confirmation link again") }
                }
            }
            h.section("s-digest", "Email digest") { h in
                h.element("p") { h in
                    h.text("Get the trending papers by mail, daily or weekly, for your topics: ")
                    h.link(Route.subscribe.path(), "subscribe or change it")
                    h.text(" (each digest also links its own preferences page).")
                }
            }
            h.section("s-pw", "Change password") { h in
                h.postForm(Route.settingsPassword.path(), class: "stack", csrf: viewer.csrf) { h in
                    h.field("current", label: "Current password", type: "password", maxLength: 72, autocomplete: "current-password")
                    h.field("password", label: "New password", type: "password", maxLength: 72, autocomplete: "new-password")
                    h.element("p") { h in h.submit("Change password") }
                }
            }
            accessTokens(tokens, new: newToken, viewer: viewer, into: &h)
        }
    }

    /// The member's personal access tokens: the one just made shown once, the live ones with a revoke button, and
    /// the form that makes one.
    static func accessTokens(_ tokens: [AccessTokenStore.Token], new: (name: String, token: String)?, viewer: Viewer, into h: inout HTML) {
        h.section("s-tokens", "Access tokens") { h in
            h.element("p", text: "A token lets a program (a script, Hugging Face's client with HF_ENDPOINT set to this site) act as you "
                      + "through the API: read, or read and write. Send it as Authorization: Bearer <token>.")
            if let new {
                h.element("div", class: "notice", [("role", "status")]) { h in
                    h.element("p", text: "Your new token “\(new.name)”. Copy it now: it is not shown again.")
                    h.element("p") { h in h.element("code", class: "token", text: new.token) }
                }
            }
            if !tokens.isEmpty {
                h.element("ul", class: "tokens") { h in
                    for token in tokens {
                        h.element("li") { h in
                            h.element("strong", text: token.name)
                            h.text(" · \(token.scope == .write ? "read and write" : "read") · made \(token.createdAt.iso8601.prefix(10))")
                            h.text(token.lastUsedAt.map { " · last used \($0.iso8601.prefix(10))" } ?? " · never used")
                            h.text(" ")
                            h.postForm(Route.settingsTokenRevoke.path(), class: "inline", csrf: viewer.csrf) { h in
                                h.hidden("token", String(token.id))
                                h.submit("Revoke")
                            }
                        }
                    }
                }
            }
            h.postForm(Route.settingsTokens.path(), class: "stack", csrf: viewer.csrf) { h in
                h.field("name", label: "Name (what will use it)", maxLength: AccessTokenStore.nameLength)
                h.element("fieldset") { h in
                    h.element("legend", text: "It may")
                    for scope in AccessTokenStore.Scope.allCases {
                        h.element("label") { h in
                            h.void("input", [("type", "radio"), ("name", "scope"), ("value", scope.rawValue)] + (scope == .read ? [("checked", "")] : []))
                            h.text(scope == .read ? " read" : " read and write (save papers, act as you)")
                        }
                    }
                }
                h.element("p") { h in h.submit("Make a token") }
            }
        }
    }

    /// A page with one message and where to go next (after sign-up, a used link, ...).
    /// The page a mailed link opens: one button that POSTs the link's token. A GET changes nothing, so a
    /// mail scanner that follows links spends none, and no other site can make a browser use a link.
    static func confirmLink(site: SiteInfo, title: String, explanation: String, action: String, token: String,
                            formToken: String, button: String, viewer: Viewer?) -> String {
        form(site: site, title: title, path: "/", viewer: viewer) { h in
            h.element("p", text: explanation)
            h.postForm(action, class: "stack", csrf: formToken) { h in
                h.hidden("token", token)
                h.element("p") { h in h.submit(button) }
            }
        }
    }

    static func message(site: SiteInfo, title: String, message: String, viewer: Viewer? = nil) -> String {
        form(site: site, title: title, path: "/", viewer: viewer) { h in
            h.element("p", text: message)
            h.element("p") { h in h.link(SiteRoute.home.path, "Back to the papers") }
        }
    }

    static func form(site: SiteInfo, title: String, path: String, viewer: Viewer?, body: (inout HTML) -> Void) -> String {
        Layout.page(site: site, title: title, description: title, canonical: path, viewer: viewer) { h in
            h.element("section", class: "form-page") { h in
                h.element("h1", text: title)
                body(&h)
            }
        }
    }
}
