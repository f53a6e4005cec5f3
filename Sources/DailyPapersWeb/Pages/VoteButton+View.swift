import DailyPapersCore

/// The upvote control: a real form (works without script), enhanced by app.js. Signed out, it posts
/// without a token and the server sends the reader to the log-in page.
enum VoteButtonView {
    static func render(_ f: FeaturedPaper, viewer: Viewer?, into h: inout HTML) {
        let voted = viewer?.voted.contains(f.paper.id.base) ?? false
        h.raw("<form class=\"vote\" method=\"post\" action=\"/vote\">")
        h.csrf(viewer?.csrf)
        h.hidden("paper", f.paper.id.base)
        h.hidden("vote", voted ? "0" : "1")
        h.open("button", [("type", "submit"), ("class", "votes"), ("aria-pressed", voted ? "true" : "false"),
                          ("title", voted ? "Remove your upvote" : "Upvote")])
        h.raw("<span aria-hidden=\"true\">▲</span> <span class=\"count\">")
        h.text(String(f.upvotes))
        h.raw("</span><span class=\"vh\"> upvotes</span></button>")
        h.raw("<span class=\"vh vote-status\" role=\"status\"></span></form>")
    }
}
