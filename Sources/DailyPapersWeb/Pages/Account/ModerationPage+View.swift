import DailyPapersCore
import DailyPapersStore

enum ModerationPageView {
    static func render(site: SiteInfo, viewer: Viewer, log: [ModerationStore.LogEntry], claims: [ClaimStore.Claim]) -> String {
        AccountPagesView.form(site: site, title: "Moderation", path: Route.moderation.path(), viewer: viewer) { h in
            h.element("p", text: "Hide a paper or a comment from the paper's page (moderators see the controls there), or ban a member here.")
            h.postForm(Route.ban.path(), class: "stack", csrf: viewer.csrf) { h in
                h.element("h2", text: "Ban a member")
                h.field("username", label: "Username", maxLength: 32)
                h.field("reason", label: "Reason", maxLength: 500)
                h.element("p") { h in h.submit("Ban") }
            }
            if viewer.account.role == .admin {
                h.section("claims", "Authorship claims") { h in
                    if claims.isEmpty { h.element("p", text: "No claims are waiting.") }
                    for c in claims {
                        h.element("div", class: "claim") { h in
                            h.element("p") { h in
                                h.link(SiteRoute.user(c.username).path, "@" + c.username)
                                h.text(" says they are " + c.authorName + " of ")
                                h.link(SiteRoute.paper(c.paper).path, c.paperTitle)
                            }
                            h.postForm(Route.moderationClaims.path(), class: "inline", csrf: viewer.csrf) { h in
                                h.hidden("paper", c.paper.base)
                                h.hidden("username", c.username)
                                h.element("button", [("name", "decision"), ("value", "confirm")], text: "Confirm")
                                h.text(" ")
                                h.element("button", [("name", "decision"), ("value", "reject")], text: "Reject")
                            }
                        }
                    }
                }
            }
            h.section("log", "Moderation log") { h in
                if log.isEmpty {
                    h.element("p", text: "Nothing yet.")
                } else {
                    h.table(["When", "Who", "Action", "Target", "Reason"], class: "log", rows: log.map { e in
                        [String(e.at.iso8601.prefix(16)).replacingOccurrences(of: "T", with: " "), "@" + e.moderator, e.action, e.target, e.reason]
                    })
                }
            }
        }
    }
}
