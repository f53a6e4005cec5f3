import DailyPapersCore

enum SubmitPageView {
    static func render(site: SiteInfo, viewer: Viewer, rules: SubmissionRules, error: String? = nil,
                       typed: String? = nil, comment: String? = nil) -> String {
        AccountPagesView.form(site: site, title: "Submit a paper", path: Route.submit.path(), viewer: viewer) { h in
            h.raw("<p>Put a recent arXiv paper on today's feed. ")
            h.text("Up to \(rules.dailyCap) submissions a day; papers up to \(rules.maximumAgeDays) days old. ")
            h.raw("A paper already on the feed gets your upvote instead.</p>")
            if !viewer.account.emailVerified {
                h.notice("Confirm your email address first: follow the link we sent, or ask for a new one in Settings.", error: true)
            }
            h.notice(error, error: true)
            h.raw("<form class=\"stack\" method=\"post\" action=\"\(Route.submit.path())\">")
            h.csrf(viewer.csrf)
            h.field("paper", label: "arXiv id or URL", value: typed, maxLength: 200,
                    hint: "For example 2412.01981, arxiv.org/abs/2412.01981v2 or an arXiv PDF link.")
            h.raw("<p class=\"field\"><label for=\"f-comment\">Comment (optional)</label>")
            h.open("textarea", [("id", "f-comment"), ("name", "comment"), ("rows", "4"), ("maxlength", String(Comment.maximumLength))])
            h.text(comment ?? "")
            h.raw("</textarea></p><p><button type=\"submit\">Submit</button></p></form>")
        }
    }
}
