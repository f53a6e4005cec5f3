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
            h.element("p", text: "A digest of the papers trending on \(site.name): on weekdays or once a week. "
                          + "We send one mail to confirm the address; nothing else until you follow its link.")
            h.notice(error, error: true)
            h.postForm(Route.subscribe.path(), class: "stack", csrf: formToken) { h in
                h.field("email", label: "Email", type: "email", value: form.email, maxLength: 254, autocomplete: "email")
                preferences(form.preferences, into: &h)
                h.element("p") { h in h.submit("Subscribe") }
            }
        }
    }

    /// The page behind a digest's token. Its canonical address is the subscribe page: the token stays out of the head.
    static func manage(site: SiteInfo, formToken: String, token: String, subscription: SubscriptionStore.Subscription,
                       viewer: Viewer?, notice: String? = nil, error: String? = nil) -> String {
        AccountPagesView.form(site: site, title: "Your digest", path: Route.subscribe.path(), viewer: viewer) { h in
            h.notice(notice)
            h.notice(error, error: true)
            h.element("p") { h in
                h.text("For \(subscription.email): ")
                switch subscription.status {
                case .active: h.text("subscribed.")
                case .pending: h.text("waiting for you to confirm the address (see the mail we sent).")
                case .unsubscribed: h.text("unsubscribed. Save the form to change preferences; subscribe again from the home page.")
                case .suspended: h.text("suspended: mail to this address was refused several times.")
                }
            }
            h.postForm(Route.subscription.path(token), class: "stack", csrf: formToken) { h in
                preferences(subscription.preferences, into: &h)
                h.element("p") { h in h.submit("Save") }
            }
            if subscription.status == .active || subscription.status == .pending {
                // The token in the address is the credential: no form token (the mail's one-click unsubscribe posts here too).
                h.element("form", [("method", "post"), ("action", Route.unsubscribe.path(token))]) { h in
                    h.element("button", [("type", "submit"), ("class", "secondary")], text: "Unsubscribe")
                }
            }
        }
    }

    /// What `GET /unsubscribe/TOKEN` shows: one button, because link scanners follow GETs and must not unsubscribe anyone.
    static func unsubscribe(site: SiteInfo, token: String, email: String, done: Bool) -> String {
        AccountPagesView.form(site: site, title: done ? "Unsubscribed" : "Unsubscribe", path: Route.subscribe.path(), viewer: nil) { h in
            if done {
                h.element("p", text: "\(email) will get no more digests. ")
                h.element("p") { h in h.link(Route.subscription.path(token), "Changed your mind? Your preferences are kept.") }
            } else {
                h.element("p", text: "Stop sending the digest to \(email)?")
                h.element("form", [("method", "post"), ("action", Route.unsubscribe.path(token))]) { h in h.submit("Unsubscribe") }
            }
        }
    }

    static func preferences(_ p: DigestPreferences, into h: inout HTML) {
        h.element("fieldset") { h in
            h.element("legend", text: "How often")
            for f in DigestFrequency.allCases {
                h.element("label", class: "choice") { h in
                    h.void("input", [("type", "radio"), ("name", "frequency"), ("value", f.rawValue)] + (p.frequency == f ? [("checked", "")] : []))
                    h.text(f == .daily ? " Daily, on weekdays" : " Weekly, on Mondays")
                }
            }
        }
        h.element("p", class: "field") { h in
            h.element("label", [("for", "f-size")], text: "Papers per digest (5-50)")
            h.void("input", [("id", "f-size"), ("name", "size"), ("type", "number"), ("min", "5"), ("max", "50"), ("value", String(p.size))])
        }
        h.field("categories", label: "arXiv categories (optional)", value: p.categories.joined(separator: ", "), maxLength: 500,
                required: false, hint: "Comma separated, e.g. cs.LG, cs.CL. Leave all three topics empty for the site's top papers.")
        h.field("keywords", label: "Keywords (optional)", value: p.keywords.joined(separator: ", "), maxLength: 500, required: false,
                hint: "Words or phrases in the title or abstract, comma separated.")
        h.field("authors", label: "Authors to follow (optional)", value: p.authors.joined(separator: ", "), maxLength: 1000, required: false)
        h.element("p") { h in
            h.element("label", class: "choice") { h in
                h.void("input", [("type", "checkbox"), ("name", "send_when_empty"), ("value", "1")] + (p.sendWhenEmpty ? [("checked", "")] : []))
                h.text(" Send a short mail when nothing matches")
            }
        }
        h.element("p") { h in
            h.element("label", class: "choice") { h in
                h.void("input", [("type", "checkbox"), ("name", "personal_sections"), ("value", "1")] + (p.personalSections ? [("checked", "")] : []))
                h.text(" Add my own sections: For you, and From what I follow (when subscribed while logged in)")
            }
        }
    }
}
