import DailyPapersCore
import DailyPapersMail
import DailyPapersStore
import Hummingbird

/// `/notifications`: the member's latest notifications (shown, then counted read), and which kinds come by mail.
struct NotificationRoutes: Sendable {
    let community: Community
    var notifications: NotificationStore { community.notifications }

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.notifications.pattern) { req, ctx in
            guard var viewer = Viewer(ctx) else { throw WebError.signInRequired(returnTo: Route.notifications.path()) }
            let userID = viewer.account.id
            async let list = notifications.latest(userID: userID)
            async let mailed = notifications.mailed(userID: userID)
            let (shown, kinds) = try await (list, mailed)
            if let newest = shown.first?.id, shown.contains(where: { !$0.read }) {
                try await notifications.markRead(userID: userID, upTo: newest)
                viewer.unread = 0
            }
            return PageResponses.html(NotificationsPageView.render(shown, mailed: kinds, site: community.site, viewer: viewer,
                                                                   notice: req.query["msg"].flatMap { Notices.text[$0] }))
        }
        router.post(Route.notificationSettings.pattern) { req, ctx in
            let form = try await FormInput.read(req, context: ctx)
            guard let viewer = Viewer(ctx) else { throw WebError.signInRequired(returnTo: Route.notifications.path()) }
            let kinds = Set(NotificationStore.Kind.allCases.filter { form.fields["mail-" + $0.rawValue] == "1" })
            try await notifications.setMailed(userID: viewer.account.id, kinds)
            return PageResponses.redirect(Route.notifications.path() + "?msg=notifications-saved")
        }
    }

    /// A new comment's notifications: counted afresh in the recipients' headers, and mailed to those who want them
    /// after the response (`MailOutbox`).
    static func commented(commentID: Int, community: Community) async throws {
        try await community.notifications.commentNotified(commentID: commentID)
        mail(commentID: commentID, community: community)
    }

    static func mail(commentID: Int, community: Community) {
        community.outbox.enqueue("notification mail") { [community] in
            for m in try await community.notifications.mailings(commentID: commentID) {
                guard let to = try? MailAddress(m.email) else { continue }
                let link = community.site.publicURL + Route.paper.path(m.paper) + "#c\(commentID)"
                try await community.mail.send(MailMessage(from: community.mailFrom, to: to, subject: NotificationsPageView.headline(m.kind, actor: m.actor, paperTitle: m.paperTitle), text: """
                    Hello @\(m.username),

                    \(NotificationsPageView.headline(m.kind, actor: m.actor, paperTitle: m.paperTitle)):

                    \(m.excerpt)

                    \(link)

                    Choose which notifications come by mail at \(community.site.publicURL + Route.notifications.path()).
                    """))
            }
        }
    }
}

enum NotificationsPageView {
    static func headline(_ kind: NotificationStore.Kind, actor: String?, paperTitle: String) -> String {
        let who = actor.map { "@" + $0 } ?? "Someone"
        switch kind {
        case .reply: return "\(who) replied to your comment on “\(paperTitle)”"
        case .commentOnAuthored: return "\(who) commented on your paper “\(paperTitle)”"
        case .commentOnSubmitted: return "\(who) commented on “\(paperTitle)”, which you submitted"
        case .followedAuthorPaper: return "A new paper by an author you follow: “\(paperTitle)”"
        }
    }

    static func label(_ kind: NotificationStore.Kind) -> String {
        switch kind {
        case .reply: "Replies to my comments"
        case .commentOnAuthored: "Comments on papers I am an author of"
        case .commentOnSubmitted: "Comments on papers I submitted"
        case .followedAuthorPaper: "New papers by authors I follow"
        }
    }

    static func render(_ list: [NotificationStore.Notification], mailed: Set<NotificationStore.Kind>, site: SiteInfo, viewer: Viewer,
                       notice: String?) -> String {
        Layout.page(site: site, title: "Notifications", description: "Your notifications.", canonical: Route.notifications.path(), viewer: viewer) { h in
            h.element("section", class: "notifications") { h in
                h.element("h1", text: "Notifications")
                h.notice(notice)
                if list.isEmpty { h.element("p", class: "muted", text: "Nothing yet: replies to your comments and comments on your papers show here.") }
                h.element("ol", class: "notification-list") { h in
                    for n in list {
                        h.element("li", class: n.read ? "read" : "unread") { h in
                            if !n.read { h.element("span", class: "vh", text: "New: ") }
                            h.link(Route.paper.path(n.paper) + (n.commentID.map { "#c\($0)" } ?? ""), headline(n.kind, actor: n.actor, paperTitle: n.paperTitle))
                            h.element("span", class: "muted", text: " · " + String(n.createdAt.iso8601.prefix(10)))
                            if let excerpt = n.excerpt, !excerpt.isEmpty { h.element("p", class: "excerpt", text: excerpt) }
                        }
                    }
                }
                h.section("notification-mail", "By mail") { h in
                    h.postForm(Route.notificationSettings.path(), class: "stack", viewer: viewer) { h in
                        for kind in NotificationStore.Kind.allCases {
                            h.element("p", class: "field") { h in
                                h.element("label") { h in
                                    h.void("input", [("type", "checkbox"), ("name", "mail-" + kind.rawValue), ("value", "1")]
                                           + (mailed.contains(kind) ? [("checked", "")] : []))
                                    h.text(" " + label(kind))
                                }
                            }
                        }
                        h.submit("Save")
                    }
                }
            }
        }
    }
}
