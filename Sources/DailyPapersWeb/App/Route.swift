import Hummingbird

/// Every path the site answers, declared once: handlers are registered with `pattern`, and links and form
/// actions are printed with `path(...)` (through `SiteRoute` for the ones with values), so a path changes in
/// one place. A test registers nothing by hand: it asks for every declared path and expects no "no page here".
enum Route: String, CaseIterable, Sendable {
    // Pages
    case home = "/"
    case papers = "/papers"
    case day = "/papers/date/:date"
    case week = "/papers/week/:week"
    case month = "/papers/month/:month"
    case paper = "/papers/:id"
    case oldStylePaper = "/papers/:id/:number"
    case paperLinks = "/papers/:id/links"
    case oldStylePaperLinks = "/papers/:id/:number/links"
    case search = "/search"
    case arrivals = "/new"
    case categoryArrivals = "/new/:category"
    case stats = "/stats"
    case user = "/users/:name"
    case docs = "/docs"
    // Programs: AI assistants (the Model Context Protocol)
    case mcp = "/mcp"
    // The fediverse (ActivityPub, WebFinger)
    case webFinger = "/.well-known/webfinger"
    case apActor = "/ap/actors/:name"
    case apInbox = "/ap/actors/:name/inbox"
    case apOutbox = "/ap/actors/:name/outbox"
    case apFollowers = "/ap/actors/:name/followers"
    case apNote = "/ap/actors/:name/papers/:id"
    case apOldStyleNote = "/ap/actors/:name/papers/:id/:number"
    case apSharedInbox = "/ap/inbox"
    // The API and feeds
    case apiDailyPapers = "/api/daily_papers"
    case apiPapers = "/api/papers"
    case apiWhoami = "/api/whoami-v2"
    case apiSearch = "/api/papers/search"
    case apiPaper = "/api/papers/:id"
    case apiOldStylePaper = "/api/papers/:id/:number"
    case apiSimilar = "/api/papers/:id/similar"
    case apiOldStyleSimilar = "/api/papers/:id/:number/similar"
    case apiPaperLinks = "/api/papers/:id/links"
    case apiOldStylePaperLinks = "/api/papers/:id/:number/links"
    case openAPI = "/openapi.json"
    case feed = "/feeds/:file"
    case categoryFeed = "/feeds/category/:file"
    case userFeed = "/feeds/user/:file"
    case arrivalsFeed = "/feeds/new/:file"
    case asset = "/static/:name"
    // Accounts
    case signup = "/signup"
    case login = "/login"
    case logout = "/logout"
    case verifyEmail = "/verify-email"
    case settings = "/settings"
    case settingsVerify = "/settings/verify"
    case settingsPassword = "/settings/password"
    case settingsTokens = "/settings/tokens"
    case settingsTokenRevoke = "/settings/tokens/revoke"
    case passwordReset = "/password-reset"
    case passwordResetToken = "/password-reset/:token"
    // The community
    case vote = "/vote"
    // A reader's own papers
    case save = "/save"
    case collect = "/collect"
    case collections = "/collections"
    case collection = "/collections/:slug"
    case collectionEdit = "/collections/:slug/edit"
    case collectionDelete = "/collections/:slug/delete"
    case collectionAdd = "/collections/:slug/add"
    case collectionRemove = "/collections/:slug/remove"
    case collectionNote = "/collections/:slug/note"
    case collectionMove = "/collections/:slug/move"
    case collectionFeed = "/feeds/collection/:file"
    case forYou = "/for-you"
    case following = "/following"
    case follows = "/follows"
    case followingFeed = "/feeds/following/:file"
    case notifications = "/notifications"
    case notificationSettings = "/notifications/settings"
    case notInterested = "/not-interested"
    case apiCollections = "/api/collections"
    case apiCollection = "/api/collections/:slug"
    case apiCollectionPapers = "/api/collections/:slug/papers"
    case apiCollectionPaper = "/api/collections/:slug/papers/:id"
    case apiOldStyleCollectionPaper = "/api/collections/:slug/papers/:id/:number"
    case submit = "/submit"
    case comments = "/comments"
    case editComment = "/comments/:id/edit"
    case deleteComment = "/comments/:id/delete"
    case claims = "/claims"
    case moderation = "/moderation"
    case hidePaper = "/moderation/hide-paper"
    case hideComment = "/moderation/hide-comment"
    case ban = "/moderation/ban"
    case moderationClaims = "/moderation/claims"
    // The digest
    case subscribe = "/subscribe"
    case subscribeConfirm = "/subscribe/confirm"
    case subscription = "/subscription/:token"
    case unsubscribe = "/unsubscribe/:token"
    case digestAdmin = "/admin/digest"
    case digestPreview = "/admin/digest/preview.html"
    // Operations
    case health = "/healthz"
    case ready = "/readyz"
    case metrics = "/metrics"

    /// What the router matches.
    var pattern: RouterPath { RouterPath(rawValue) }

    /// The path with its `:parameters` filled in order by `values`, each percent-encoded but for its slashes
    /// (an old-style arXiv id, hep-th/9901001, fills two segments).
    func path(_ values: String...) -> String {
        var remaining = values[...]
        let segments = rawValue.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix(":"), let value = remaining.popFirst() else { return String(segment) }
            return value.split(separator: "/", omittingEmptySubsequences: false).map { SiteRoute.percentEncode(String($0)) }
                .joined(separator: "/")
        }
        precondition(remaining.isEmpty, "\(rawValue) takes fewer values than \(values)")
        return segments.joined(separator: "/")
    }
}
