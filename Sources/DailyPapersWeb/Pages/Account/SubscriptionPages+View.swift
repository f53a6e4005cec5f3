import DailyPapersCore
import DailyPapersStore

/// The digest's pages: subscribe (with preferences), the manage page behind each mail's token, unsubscribe.
enum SubscriptionPagesView {
    struct Form {
        var email = ""
        var preferences = DigestPreferences()
    }

    static func subscribe(site: SiteInfo, formToken: String, form: Form, viewer: Viewer?, error: String? = nil) -> String {
        AccountPagesView.form(site: site, title: "Get trending papers by email", path: Route.subscribe.path(), viewer: viewer) { h in
            h.raw("<p>A digest of the papers trending on \(HTML.escaped(site.name)): on weekdays or once a week. ")
            h.raw("We send one mail to confirm the address; nothing else until you follow its link.</p>")
            h.notice(error, error: true)
            h.raw("<form class=\"stack\" method=\"post\" action=\"\(Route.subscribe.path())\">")
            h.csrf(formToken)
            h.field("email", label: "Email", type: "email", value: form.email, maxLength: 254, autocomplete: "email")
            preferences(form.preferences, into: &h)
            h.raw("<p><button type=\"submit\">Subscribe</button></p></form>")
        }
    }

    static func manage(site: SiteInfo, formToken: String, token: String, subscription: SubscriptionStore.Subscription,
                       viewer: Viewer?, notice: String? = nil, error: String? = nil) -> String {
        AccountPagesView.form(site: site, title: "Your digest", path: "/subscription", viewer: viewer) { h in
            h.notice(notice)
            h.notice(error, error: true)
            h.open("p")
            h.text("For \(subscription.email): ")
            switch subscription.status {
            case .active: h.text("subscribed.")
            case .pending: h.text("waiting for you to confirm the address (see the mail we sent).")
            case .unsubscribed: h.text("unsubscribed. Save the form to change preferences; subscribe again from the home page.")
            case .suspended: h.text("suspended: mail to this address was refused several times.")
            }
            h.close("p")
            h.open("form", [("class", "stack"), ("method", "post"), ("action", Route.subscription.path(token))])
            h.csrf(formToken)
            preferences(subscription.preferences, into: &h)
            h.raw("<p><button type=\"submit\">Save</button></p></form>")
            if subscription.status == .active || subscription.status == .pending {
                h.open("form", [("method", "post"), ("action", Route.unsubscribe.path(token))])
                h.raw("<button type=\"submit\" class=\"secondary\">Unsubscribe</button></form>")
            }
        }
    }

    /// What `GET /unsubscribe/TOKEN` shows: one button, because link scanners follow GETs and must not unsubscribe anyone.
    static func unsubscribe(site: SiteInfo, token: String, email: String, done: Bool) -> String {
        AccountPagesView.form(site: site, title: done ? "Unsubscribed" : "Unsubscribe", path: "/unsubscribe", viewer: nil) { h in
            if done {
                h.open("p")
                h.text("\(email) will get no more digests. ")
                h.close("p")
                h.open("p")
                h.open("a", [("href", Route.subscription.path(token))])
                h.text("Changed your mind? Your preferences are kept.")
                h.close("a")
                h.close("p")
            } else {
                h.open("p")
                h.text("Stop sending the digest to \(email)?")
                h.close("p")
                h.open("form", [("method", "post"), ("action", Route.unsubscribe.path(token))])
                h.raw("<button type=\"submit\">Unsubscribe</button></form>")
            }
        }
    }

    static func preferences(_ p: DigestPreferences, into h: inout HTML) {
        h.raw("<fieldset><legend>How often</legend>")
        for f in DigestFrequency.allCases {
            h.raw("<label class=\"choice\"><input type=\"radio\" name=\"frequency\"")
            h.attr("value", f.rawValue)
            if p.frequency == f { h.raw(" checked") }
            h.raw("> ")
            h.text(f == .daily ? "Daily, on weekdays" : "Weekly, on Mondays")
            h.raw("</label>")
        }
        h.raw("</fieldset>")
        h.raw("<p class=\"field\"><label for=\"f-size\">Papers per digest (5-50)</label>")
        h.open("input", [("id", "f-size"), ("name", "size"), ("type", "number"), ("min", "5"), ("max", "50"), ("value", String(p.size))])
        h.raw("</p>")
        h.field("categories", label: "arXiv categories (optional)", value: p.categories.joined(separator: ", "), maxLength: 500,
                required: false, hint: "Comma separated, e.g. cs.LG, cs.CL. Leave all three topics empty for the site's top papers.")
        h.field("keywords", label: "Keywords (optional)", value: p.keywords.joined(separator: ", "), maxLength: 500, required: false,
                hint: "Words or phrases in the title or abstract, comma separated.")
        h.field("authors", label: "Authors to follow (optional)", value: p.authors.joined(separator: ", "), maxLength: 1000, required: false)
        h.raw("<p><label class=\"choice\"><input type=\"checkbox\" name=\"send_when_empty\" value=\"1\"")
        if p.sendWhenEmpty { h.raw(" checked") }
        h.raw("> Send a short mail when nothing matches</label></p>")
    }
}
