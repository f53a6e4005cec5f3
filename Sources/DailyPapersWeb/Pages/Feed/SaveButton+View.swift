import DailyPapersCore
import NIOCore

/// The save control beside a paper: a real form that puts the paper in the member's "Saved" collection or takes it
/// out (works without script; app.js sends it in the background). Signed out, it posts without a token and the
/// server sends the reader to the log-in page.
enum SaveButtonView {
    static func render(_ paper: ArxivID, viewer: Viewer?, into h: inout HTML) {
        guard let viewer else { return render(paper: paper.base, saved: false, csrf: nil, into: &h) }
        // In a page shared by members, the member's part is a slot.
        if viewer.isTemplate { return h.slot(.save(paper: paper)) }
        render(paper: paper.base, saved: viewer.saved.contains(paper.base), csrf: viewer.csrf, into: &h)
    }

    static func render(paper: String, saved: Bool, csrf: String?, into h: inout HTML) {
        (saved ? savedForm : unsavedForm).write([HTML.csrfInput(csrf), Markup(escaping: paper)], into: &h)
    }

    static func write(paper: String, saved: Bool, csrfInput: Markup, into out: inout ByteBuffer) {
        (saved ? savedForm : unsavedForm).write([csrfInput, Markup(escaping: paper)], into: &out)
    }

    private static let savedForm = form(saved: true)
    private static let unsavedForm = form(saved: false)

    /// The form with holes for the token's input and the paper.
    private static func form(saved: Bool) -> Stencil {
        Stencil(holes: 2) { h, hole in
            h.element("form", class: "save", [("method", "post"), ("action", Route.save.path())]) { h in
                h.text(hole(0))
                h.hidden("paper", hole(1))
                h.hidden("save", saved ? "0" : "1")
                h.element("button", [("type", "submit"), ("class", "saves"), ("aria-pressed", saved ? "true" : "false"),
                                     ("title", saved ? "Remove from your saved papers" : "Save for later")]) { h in
                    h.element("span", [("aria-hidden", "true")], text: saved ? "★" : "☆")
                    h.element("span", class: "label", text: saved ? " Saved" : " Save")
                }
            }
        }
    }
}
