import DailyPapersCore
import DailyPapersStore

enum ModerationPageView {
    static func render(site: SiteInfo, viewer: Viewer, log: [ModerationStore.LogEntry], claims: [ClaimStore.Claim]) -> String {
        AccountPagesView.form(site: site, title: "Moderation", path: Route.moderation.path(), viewer: viewer) { h in
            h.raw("<p>Hide a paper or a comment from the paper's page (moderators see the controls there), or ban a member here.</p>")
            h.raw("<form class=\"stack\" method=\"post\" action=\"\(Route.ban.path())\"><h2>Ban a member</h2>")
            h.csrf(viewer.csrf)
            h.field("username", label: "Username", maxLength: 32)
            h.field("reason", label: "Reason", maxLength: 500)
            h.raw("<p><button type=\"submit\">Ban</button></p></form>")
            if viewer.account.role == .admin {
                h.raw("<section aria-labelledby=\"claims\"><h2 id=\"claims\">Authorship claims</h2>")
                if claims.isEmpty { h.raw("<p>No claims are waiting.</p>") }
                for c in claims {
                    h.raw("<div class=\"claim\"><p>")
                    h.open("a", [("href", SiteRoute.user(c.username).path)]); h.text("@" + c.username); h.close("a")
                    h.text(" says they are " + c.authorName + " of ")
                    h.open("a", [("href", SiteRoute.paper(c.paper).path)]); h.text(c.paperTitle); h.close("a")
                    h.raw("</p><form class=\"inline\" method=\"post\" action=\"\(Route.moderationClaims.path())\">")
                    h.csrf(viewer.csrf)
                    h.hidden("paper", c.paper.base)
                    h.hidden("username", c.username)
                    h.raw("<button name=\"decision\" value=\"confirm\">Confirm</button> <button name=\"decision\" value=\"reject\">Reject</button></form></div>")
                }
                h.raw("</section>")
            }
            h.raw("<section aria-labelledby=\"log\"><h2 id=\"log\">Moderation log</h2>")
            if log.isEmpty { h.raw("<p>Nothing yet.</p>") } else {
                h.raw("<table class=\"log\"><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Reason</th></tr></thead><tbody>")
                for e in log {
                    h.raw("<tr>")
                    h.element("td", text: String(e.at.iso8601.prefix(16)).replacingOccurrences(of: "T", with: " "))
                    h.element("td", text: "@" + e.moderator)
                    h.element("td", text: e.action)
                    h.element("td", text: e.target)
                    h.element("td", text: e.reason)
                    h.raw("</tr>")
                }
                h.raw("</tbody></table>")
            }
            h.raw("</section>")
        }
    }
}
