import DailyPapersCore

/// Sign up, log in, password reset and settings: small forms that keep what was typed (never a
/// password) and say above the form what was wrong.
enum AccountPagesView {
    static func signup(site: SiteInfo, formToken: String, error: String? = nil, username: String? = nil,
                       fullname: String? = nil, email: String? = nil) -> String {
        form(site: site, title: "Sign up", path: Route.signup.path(), viewer: nil) { h in
            h.notice(error, error: true)
            h.raw("<form class=\"stack\" method=\"post\" action=\"\(Route.signup.path())\">")
            h.csrf(formToken)
            h.field("username", label: "Username", value: username, maxLength: 32, autocomplete: "username",
                    hint: "2-32 letters, digits, - or _. Shown next to what you post.")
            h.field("fullname", label: "Full name (optional)", value: fullname, maxLength: 80, required: false, autocomplete: "name")
            h.field("email", label: "Email", type: "email", value: email, maxLength: 254, autocomplete: "email",
                    hint: "We send a confirmation link; it is never shown to others.")
            h.field("password", label: "Password", type: "password", maxLength: 72, autocomplete: "new-password",
                    hint: "At least \(AccountRules.minimumPasswordLength) characters.")
            h.raw("<p><button type=\"submit\">Create account</button></p></form>")
            h.raw("<p>Have an account? <a href=\"\(Route.login.path())\">Log in</a>.</p>")
        }
    }

    static func login(site: SiteInfo, formToken: String, error: String? = nil, notice: String? = nil,
                      login: String? = nil, next: String? = nil) -> String {
        form(site: site, title: "Log in", path: Route.login.path(), viewer: nil) { h in
            h.notice(notice)
            h.notice(error, error: true)
            h.raw("<form class=\"stack\" method=\"post\" action=\"\(Route.login.path())\">")
            h.csrf(formToken)
            if let next { h.hidden("next", next) }
            h.field("login", label: "Username or email", value: login, maxLength: 254, autocomplete: "username")
            h.field("password", label: "Password", type: "password", maxLength: 72, autocomplete: "current-password")
            h.raw("<p><button type=\"submit\">Log in</button></p></form>")
            h.raw("<p><a href=\"\(Route.passwordReset.path())\">Forgot your password?</a> · <a href=\"\(Route.signup.path())\">Sign up</a></p>")
        }
    }

    static func resetRequest(site: SiteInfo, formToken: String, notice: String? = nil, error: String? = nil) -> String {
        form(site: site, title: "Reset your password", path: Route.passwordReset.path(), viewer: nil) { h in
            h.notice(notice)
            h.notice(error, error: true)
            h.raw("<form class=\"stack\" method=\"post\" action=\"\(Route.passwordReset.path())\">")
            h.csrf(formToken)
            h.field("email", label: "Your account's email", type: "email", maxLength: 254, autocomplete: "email")
            h.raw("<p><button type=\"submit\">Send a reset link</button></p></form>")
        }
    }

    static func resetForm(site: SiteInfo, formToken: String, token: String, error: String? = nil) -> String {
        form(site: site, title: "Choose a new password", path: Route.passwordReset.path(), viewer: nil) { h in
            h.notice(error, error: true)
            h.open("form", [("class", "stack"), ("method", "post"), ("action", Route.passwordResetToken.path(token))])
            h.csrf(formToken)
            h.field("password", label: "New password", type: "password", maxLength: 72, autocomplete: "new-password",
                    hint: "At least \(AccountRules.minimumPasswordLength) characters.")
            h.raw("<p><button type=\"submit\">Set password</button></p></form>")
        }
    }

    static func settings(site: SiteInfo, viewer: Viewer, notice: String? = nil, error: String? = nil) -> String {
        form(site: site, title: "Settings", path: Route.settings.path(), viewer: viewer) { h in
            h.notice(notice)
            h.notice(error, error: true)
            h.raw("<section aria-labelledby=\"s-email\"><h2 id=\"s-email\">Email</h2><p>")
            h.text(viewer.account.email ?? "No email on this account.")
            h.text(viewer.account.emailVerified ? " (confirmed)" : " (not confirmed yet: you can read, but not post or vote)")
            h.raw("</p>")
            if !viewer.account.emailVerified {
                h.raw("<form method=\"post\" action=\"\(Route.settingsVerify.path())\">")
                h.csrf(viewer.csrf)
                h.raw("<button type=\"submit\">Send the confirmation link again</button></form>")
            }
            h.raw("</section><section aria-labelledby=\"s-digest\"><h2 id=\"s-digest\">Email digest</h2>")
            h.raw("<p>Get the trending papers by mail, daily or weekly, for your topics: <a href=\"\(Route.subscribe.path())\">subscribe or change it</a> ")
            h.raw("(each digest also links its own preferences page).</p>")
            h.raw("</section><section aria-labelledby=\"s-pw\"><h2 id=\"s-pw\">Change password</h2>")
            h.raw("<form class=\"stack\" method=\"post\" action=\"\(Route.settingsPassword.path())\">")
            h.csrf(viewer.csrf)
            h.field("current", label: "Current password", type: "password", maxLength: 72, autocomplete: "current-password")
            h.field("password", label: "New password", type: "password", maxLength: 72, autocomplete: "new-password")
            h.raw("<p><button type=\"submit\">Change password</button></p></form></section>")
        }
    }

    /// A page with one message and where to go next (after sign-up, a used link, ...).
    /// The page a mailed link opens: one button that POSTs the link's token. A GET changes nothing, so a
    /// mail scanner that follows links spends none, and no other site can make a browser use a link.
    static func confirmLink(site: SiteInfo, title: String, explanation: String, action: String, token: String,
                            formToken: String, button: String, viewer: Viewer?) -> String {
        form(site: site, title: title, path: "/", viewer: viewer) { h in
            h.element("p", text: explanation)
            h.open("form", [("class", "stack"), ("method", "post"), ("action", action)])
            h.csrf(formToken)
            h.hidden("token", token)
            h.open("p"); h.open("button", [("type", "submit")]); h.text(button); h.close("button"); h.close("p")
            h.close("form")
        }
    }

    static func message(site: SiteInfo, title: String, message: String, viewer: Viewer? = nil) -> String {
        form(site: site, title: title, path: "/", viewer: viewer) { h in
            h.element("p", text: message)
            h.raw("<p><a href=\"/\">Back to the papers</a></p>")
        }
    }

    static func form(site: SiteInfo, title: String, path: String, viewer: Viewer?, body: (inout HTML) -> Void) -> String {
        Layout.page(site: site, title: title, description: title, canonical: path, viewer: viewer) { h in
            h.raw("<section class=\"form-page\">")
            h.element("h1", text: title)
            body(&h)
            h.raw("</section>")
        }
    }
}
