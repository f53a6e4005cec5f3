import DailyPapersCore

/// Who is looking at a page: a signed-in account with its form token and the papers it has upvoted.
/// Pages for anonymous readers are rendered once and cached. Pages for members are rendered once for
/// `anyMember`, which leaves a slot wherever one member's part goes (see `PageTemplate`), and filled per
/// request; moderators' pages, which show more, are rendered per request.
struct Viewer: Sendable {
    var account: Account
    var csrf: String
    var voted: Set<String> = []
    /// The papers among the page's that the member saved.
    var saved: Set<String> = []
    /// Unread notifications, for the header (read by `SessionMiddleware` for pages).
    var unread = 0
    /// The shared rendering for every member: views leave slots instead of using the fields above.
    private(set) var isTemplate = false

    init(account: Account, csrf: String, voted: Set<String> = []) {
        self.account = account
        self.csrf = csrf
        self.voted = voted
    }

    /// Any member: no name, no token, no votes of its own; never a moderator.
    static let anyMember: Viewer = {
        var v = Viewer(account: Account(id: 0, username: "", fullname: "", email: nil, role: .member, emailVerified: true), csrf: "")
        v.isTemplate = true
        return v
    }()

    init?(_ context: AppRequestContext) {
        guard let s = context.session else { return nil }
        self.init(account: s.account, csrf: s.csrfToken)
        unread = context.unread
    }
}

extension HTML {
    /// The viewer's form token, or its slot in a page shared by members.
    mutating func csrf(for viewer: Viewer?) {
        guard let viewer else { return }
        if viewer.isTemplate { slot(.csrf) } else { csrf(viewer.csrf) }
    }

    /// A notice for this request, or its slot in a page shared by members.
    mutating func notice(_ message: String?, viewer: Viewer?) {
        if viewer?.isTemplate == true { slot(.notice) } else { notice(message) }
    }

    /// A form that changes state: `method="post"`, the action, the viewer's token, then the content.
    mutating func postForm(_ action: String, class name: String? = nil, viewer: Viewer?, _ content: (inout HTML) -> Void) {
        element("form", (name.map { [("class", $0)] } ?? []) + [("method", "post"), ("action", action)]) { h in
            h.csrf(for: viewer)
            content(&h)
        }
    }
}

/// Parts of forms and pages, for pages and for fragments written once (`Markup.fragment`).
extension HTMLWriter {
    /// `csrf(token)`'s markup alone, to write it many times over.
    static func csrfInput(_ token: String?) -> Markup {
        Markup.fragment(capacity: 128) { h in h.csrf(token) }
    }

    /// The hidden token every state-changing form carries.
    mutating func csrf(_ token: String?) {
        guard let token else { return }
        void("input", [("type", "hidden"), ("name", "csrf"), ("value", token)])
    }

    mutating func hidden(_ name: String, _ value: String) {
        void("input", [("type", "hidden"), ("name", name), ("value", value)])
    }

    /// A form that changes state, with the token given (pages and slots filled for one member).
    mutating func postForm(_ action: String, class name: String? = nil, csrf token: String?, _ content: (inout Self) -> Void) {
        element("form", (name.map { [("class", $0)] } ?? []) + [("method", "post"), ("action", action)]) { h in
            h.csrf(token)
            content(&h)
        }
    }

    /// `<button type="submit">label</button>`
    mutating func submit(_ label: String, class name: String? = nil) {
        element("button", (name.map { [("class", $0)] } ?? []) + [("type", "submit")], text: label)
    }

    /// A labelled input; `value` is what the reader typed before (never a password).
    mutating func field(_ name: String, label: String, type: String = "text", value: String? = nil,
                        maxLength: Int, required: Bool = true, autocomplete: String? = nil, hint: String? = nil) {
        element("p", class: "field") { h in
            h.element("label", [("for", "f-" + name)], text: label)
            var attrs = [("id", "f-" + name), ("name", name), ("type", type), ("maxlength", String(maxLength))]
            if let value { attrs.append(("value", value)) }
            if let autocomplete { attrs.append(("autocomplete", autocomplete)) }
            if hint != nil { attrs.append(("aria-describedby", "h-" + name)) }
            if required { attrs.append(("required", "required")) }
            h.void("input", attrs)
            if let hint { h.element("small", [("id", "h-" + name)], text: hint) }
        }
    }

    /// A section headed by an `h2` it is labelled by.
    mutating func section(_ id: String, _ heading: String, class name: String? = nil, _ content: (inout Self) -> Void) {
        element("section", (name.map { [("class", $0)] } ?? []) + [("aria-labelledby", id)]) { h in
            h.element("h2", [("id", id)], text: heading)
            content(&h)
        }
    }

    /// A table of text: a header row of column names, then one row per entry.
    mutating func table(_ columns: [String], class name: String? = nil, rows: [[String]]) {
        element("table", name.map { [("class", $0)] } ?? []) { h in
            h.element("thead") { h in
                h.element("tr") { h in for column in columns { h.element("th", [("scope", "col")], text: column) } }
            }
            h.element("tbody") { h in
                for row in rows { h.element("tr") { h in for cell in row { h.element("td", text: cell) } } }
            }
        }
    }

    /// A notice (role=status) or an error (role=alert) above a form.
    mutating func notice(_ message: String?, error: Bool = false) {
        guard let message else { return }
        element("p", class: error ? "notice error-note" : "notice", [("role", error ? "alert" : "status")], text: message)
    }
}
