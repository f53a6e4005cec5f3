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
            h.element("h1", text: "Digest")
            h.element("form", class: "filters", [("method", "get"), ("action", Route.digestAdmin.path())]) { h in
                h.element("p", class: "field") { h in
                    h.element("label", [("for", "p-email")], text: "Subscriber")
                    h.void("input", [("id", "p-email"), ("name", "email"), ("type", "email"), ("maxlength", "254")]
                           + (preview.map { [("value", $0.email)] } ?? []))
                }
                h.element("p", class: "field") { h in
                    h.element("label", [("for", "p-date")], text: "Day")
                    h.void("input", [("id", "p-date"), ("name", "date"), ("type", "date"), ("value", period.feedPeriod.days.lowerBound.iso)])
                }
                h.element("p", class: "field") { h in
                    h.element("label", [("for", "p-period")], text: "Period")
                    h.element("select", [("id", "p-period"), ("name", "period")]) { h in
                        for f in DigestFrequency.allCases {
                            h.element("option", [("value", f.rawValue)] + (f == period.frequency ? [("selected", "")] : []), text: f.rawValue)
                        }
                    }
                }
                h.element("p") { h in h.submit("Preview") }
            }
            h.notice(problem, error: true)
            if let (email, m) = preview {
                h.section("pv", "Preview") { h in
                    h.element("p", text: "Subject: " + m.subject)
                    let link = Route.digestPreview.path() + "?email=\(SiteRoute.percentEncode(email))&date=\(period.feedPeriod.days.lowerBound.iso)&period=\(period.frequency.rawValue)"
                    h.element("p") { h in h.link(link, "Open the HTML part") }
                    h.element("pre", class: "mail", text: m.text)
                }
            }
            table("Failures and retries", failures, into: &h)
            table("Recent deliveries", recent, into: &h)
        }
    }

    static func table(_ title: String, _ rows: [DeliveryStore.Recent], into h: inout HTML) {
        h.element("section") { h in
            h.element("h2", text: title)
            guard !rows.isEmpty else { return h.element("p", class: "muted", text: "None.") }
            h.table(["When", "Subscriber", "Period", "Status", "Papers", "Attempts", "Last error"], class: "log", rows: rows.map { r in
                [String(r.updatedAt.iso8601.prefix(16)).replacingOccurrences(of: "T", with: " "), r.email, r.period, r.status,
                 String(r.papers), String(r.attempts), r.lastError ?? ""]
            })
        }
    }
}
