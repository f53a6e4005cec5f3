import DailyPapersCore

enum SubmitPageView {
    static func render(site: SiteInfo, viewer: Viewer, rules: SubmissionRules, error: String? = nil,
                       typed: String? = nil, comment: String? = nil) -> String {
        AccountPagesView.form(site: site, title: "Submit a paper", path: Route.submit.path(), viewer: viewer) { h in
            h.element("p", text: "Put a recent arXiv paper on today's feed. Up to \(rules.dailyCap) submissions a day; papers up to "
                          + "\(rules.maximumAgeDays) days old. A paper already on the feed gets your upvote instead.")
            if !viewer.account.emailVerified {
                h.notice("Confirm your email address first: follow the link we sent, or ask for a new one in Settings.", error: true)
            }
            h.notice(error, error: true)
            h.postForm(Route.submit.path(), class: "stack", csrf: viewer.csrf) { h in
                h.field("paper", label: "arXiv id or URL", value: typed, maxLength: 200,
                        hint: "For example 2412.01981, arxiv.org/abs/2412.01981v2 or an arXiv PDF link.")
                h.element("p", class: "field") { h in
                    h.element("label", [("for", "f-comment")], text: "Comment (optional)")
                    h.element("textarea", [("id", "f-comment"), ("name", "comment"), ("rows", "4"), ("maxlength", String(Comment.maximumLength))],
                              text: comment ?? "")
                }
                h.element("p") { h in h.submit("Submit") }
            }
        }
    }
}
