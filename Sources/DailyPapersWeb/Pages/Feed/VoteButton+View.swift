import DailyPapersCore
import NIOCore

/// The upvote control: a real form (works without script), enhanced by app.js. Signed out, it posts
/// without a token and the server sends the reader to the log-in page.
enum VoteButtonView {
    static func render(_ f: FeaturedPaper, viewer: Viewer?, into h: inout HTML) {
        // Members' state changes by the second: in a page shared by members the whole form is a slot.
        if viewer?.isTemplate == true { return h.slot(.vote(paper: f.paper.id, upvotes: f.upvotes)) }
        render(paper: f.paper.id.base, upvotes: f.upvotes, voted: viewer?.voted.contains(f.paper.id.base) ?? false,
               csrf: viewer?.csrf, into: &h)
    }

    static func render(paper: String, upvotes: Int, voted: Bool, csrf: String?, into h: inout HTML) {
        (voted ? votedForm : unvotedForm).write([HTML.csrfInput(csrf), Markup(escaping: paper), Markup(escaping: String(upvotes))], into: &h)
    }

    /// Into the bytes of a member's page being filled (one per card on every request); `csrfInput` is the
    /// token's hidden input, made once per request.
    static func write(paper: String, upvotes: Int, voted: Bool, csrfInput: Markup, into out: inout ByteBuffer) {
        (voted ? votedForm : unvotedForm).write([csrfInput, Markup(escaping: paper), Markup(escaping: String(upvotes))], into: &out)
    }

    private static let votedForm = form(voted: true)
    private static let unvotedForm = form(voted: false)

    /// The form with holes for the token's input, the paper and the count.
    private static func form(voted: Bool) -> Stencil {
        Stencil(holes: 3) { h, hole in
            h.element("form", class: "vote", [("method", "post"), ("action", Route.vote.path())]) { h in
                h.text(hole(0))
                h.hidden("paper", hole(1))
                h.hidden("vote", voted ? "0" : "1")
                h.element("button", [("type", "submit"), ("class", "votes"), ("aria-pressed", voted ? "true" : "false"),
                                     ("title", voted ? "Remove your upvote" : "Upvote")]) { h in
                    h.element("span", [("aria-hidden", "true")], text: "▲")
                    h.text(" ")
                    h.element("span", class: "count", text: hole(2))
                    h.element("span", class: "vh", text: " upvotes")
                }
                h.element("span", class: "vh vote-status", [("role", "status")], text: "")
            }
        }
    }
}
