import DailyPapersCore
import DailyPapersJobs
import DailyPapersMail
import DailyPapersStore
import Hummingbird

/// `/admin/digest`: an admin previews any subscriber's digest for a period and sees recent deliveries
/// and failures.
struct DigestAdminRoutes: Sendable {
    let community: Community
    let job: DigestJob
    let subscriptions: SubscriptionStore
    let deliveries: DeliveryStore

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.digestAdmin.pattern) { req, ctx in
            let viewer = try admin(ctx)
            let q = req.query
            var preview: (email: String, message: MailMessage)?
            var problem: String?
            let period = try Self.period(q)
            if let email = q["email"], !email.isEmpty {
                if let s = try await subscriptions.subscription(email: email) {
                    preview = (s.email, try await job.preview(s, period: period))
                } else {
                    problem = "No subscription for \(email.prefix(254))."
                }
            }
            async let recent = deliveries.recent(limit: 50)
            async let failures = deliveries.recent(limit: 50, problemsOnly: true)
            return PageResponses.html(DigestAdminView.render(site: community.site, viewer: viewer, period: period, preview: preview,
                                                             problem: problem, recent: try await recent, failures: try await failures))
        }
        // The HTML part alone, as a mail client would show it (its inline styles need their own policy).
        router.get(Route.digestPreview.pattern) { req, ctx in
            _ = try admin(ctx)
            guard let email = req.query["email"], let s = try await subscriptions.subscription(email: email) else {
                throw WebError.notFound("No subscription for that address.")
            }
            let message = try await job.preview(s, period: try Self.period(req.query))
            var response = PageResponses.html(message.html ?? "")
            response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
            return response
        }
    }

    func admin(_ ctx: AppRequestContext) throws -> Viewer {
        guard let v = Viewer(ctx) else { throw WebError.signInRequired(returnTo: Route.digestAdmin.path()) }
        guard v.account.role == .admin, !v.account.isBanned else { throw WebError.forbidden("Only admins can see the digest's deliveries.") }
        return v
    }

    static func period(_ q: [String: String]) throws -> DigestPeriod {
        let day = try q["date"].map { text -> CalendarDay in
            guard let d = CalendarDay(iso: text) else { throw WebError.badRequest("date: '\(text.prefix(20))' is not YYYY-MM-DD.") }
            return d
        } ?? CalendarDay(utcOf: .now)
        if q["period"] == "weekly" { return .weekly(containing: day) }
        // Weekend days preview the Friday before, the last daily digest.
        return DigestPeriod.daily(day) ?? DigestPeriod.daily(day.advanced(by: day.isoWeekday == 6 ? -1 : -2))!
    }
}

enum DigestAdminView {
    static func render(site: SiteInfo, viewer: Viewer, period: DigestPeriod, preview: (email: String, message: MailMessage)?,
                       problem: String?, recent: [DeliveryStore.Recent], failures: [DeliveryStore.Recent]) -> String {
        Layout.page(site: site, title: "Digest", description: "Digest previews and deliveries", canonical: Route.digestAdmin.path(), viewer: viewer) { h in
            h.raw("<h1>Digest</h1><form class=\"filters\" method=\"get\" action=\"\(Route.digestAdmin.path())\">")
            h.raw("<p class=\"field\"><label for=\"p-email\">Subscriber</label><input id=\"p-email\" name=\"email\" type=\"email\" maxlength=\"254\""
                  + (preview.map { " value=\"\(HTML.escaped($0.email))\"" } ?? "") + "></p>")
            h.raw("<p class=\"field\"><label for=\"p-date\">Day</label>")
            h.open("input", [("id", "p-date"), ("name", "date"), ("type", "date"), ("value", period.feedPeriod.days.lowerBound.iso)])
            h.raw("</p><p class=\"field\"><label for=\"p-period\">Period</label><select id=\"p-period\" name=\"period\">")
            for f in DigestFrequency.allCases {
                h.open("option", f == period.frequency ? [("value", f.rawValue), ("selected", "selected")] : [("value", f.rawValue)])
                h.text(f.rawValue)
                h.close("option")
            }
            h.raw("</select></p><p><button type=\"submit\">Preview</button></p></form>")
            h.notice(problem, error: true)
            if let (email, m) = preview {
                h.raw("<section aria-labelledby=\"pv\"><h2 id=\"pv\">Preview</h2><p>")
                h.text("Subject: " + m.subject)
                h.raw("</p><p>")
                let link = Route.digestPreview.path() + "?email=\(SiteRoute.percentEncode(email))&date=\(period.feedPeriod.days.lowerBound.iso)&period=\(period.frequency.rawValue)"
                h.open("a", [("href", link)])
                h.text("Open the HTML part")
                h.close("a")
                h.raw("</p><pre class=\"mail\">")
                h.text(m.text)
                h.raw("</pre></section>")
            }
            table("Failures and retries", failures, into: &h)
            table("Recent deliveries", recent, into: &h)
        }
    }

    static func table(_ title: String, _ rows: [DeliveryStore.Recent], into h: inout HTML) {
        h.raw("<section><h2>")
        h.text(title)
        h.raw("</h2>")
        if rows.isEmpty { h.raw("<p class=\"muted\">None.</p></section>"); return }
        h.raw("<table class=\"log\"><thead><tr><th>When</th><th>Subscriber</th><th>Period</th><th>Status</th><th>Papers</th><th>Attempts</th><th>Last error</th></tr></thead><tbody>")
        for r in rows {
            h.raw("<tr>")
            h.element("td", text: String(r.updatedAt.iso8601.prefix(16)).replacingOccurrences(of: "T", with: " "))
            h.element("td", text: r.email)
            h.element("td", text: r.period)
            h.element("td", text: r.status)
            h.element("td", text: String(r.papers))
            h.element("td", text: String(r.attempts))
            h.element("td", text: r.lastError ?? "")
            h.raw("</tr>")
        }
        h.raw("</tbody></table></section>")
    }
}
