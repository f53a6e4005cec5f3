import DailyPapersCore

/// Who is looking at a page: a signed-in account with its form token and the papers it has upvoted.
/// Pages for anonymous readers are rendered once and cached. Pages for members are rendered once for
/// `anyMember`, which leaves a slot wherever one member's part goes (see `PageTemplate`), and filled per
/// request; moderators' pages, which show more, are rendered per request.
struct Viewer: Sendable {
    var account: Account
    var csrf: String
    var voted: Set<String> = []
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

    /// `csrf(token)`'s markup alone, to write it many times over.
    static func csrfInput(_ token: String?) -> String {
        var h = HTML(capacity: 128)
        h.csrf(token)
        return h.output
    }

    /// The hidden token every state-changing form carries.
    mutating func csrf(_ token: String?) {
        guard let token else { return }
        raw("<input type=\"hidden\" name=\"csrf\"")
        attr("value", token)
        raw(">")
    }

    mutating func hidden(_ name: String, _ value: String) {
        raw("<input type=\"hidden\"")
        attr("name", name)
        attr("value", value)
        raw(">")
    }

    /// A labelled input; `value` is what the reader typed before (never a password).
    mutating func field(_ name: String, label: String, type: String = "text", value: String? = nil,
                        maxLength: Int, required: Bool = true, autocomplete: String? = nil, hint: String? = nil) {
        raw("<p class=\"field\">")
        open("label", [("for", "f-" + name)])
        text(label)
        close("label")
        var attrs = [("id", "f-" + name), ("name", name), ("type", type), ("maxlength", String(maxLength))]
        if let value { attrs.append(("value", value)) }
        if let autocomplete { attrs.append(("autocomplete", autocomplete)) }
        if let hint { attrs.append(("aria-describedby", "h-" + name)) }
        if required { attrs.append(("required", "required")) }
        open("input", attrs)
        if let hint { element("small", [("id", "h-" + name)], text: hint) }
        raw("</p>")
    }

    /// A notice (role=status) or an error (role=alert) above a form.
    mutating func notice(_ message: String?, error: Bool = false) {
        guard let message else { return }
        open("p", [("class", error ? "notice error-note" : "notice"), ("role", error ? "alert" : "status")])
        text(message)
        close("p")
    }
}
