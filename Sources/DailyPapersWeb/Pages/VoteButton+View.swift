import DailyPapersCore

/// The upvote control: a real form (works without script), enhanced by app.js. Signed out, it posts
/// without a token and the server sends the reader to the log-in page.
enum VoteButtonView {
    static func render(_ f: FeaturedPaper, viewer: Viewer?, into h: inout HTML) {
        // Members' state changes by the second: in a page shared by members the whole form is a slot.
        if viewer?.isTemplate == true { return h.slot(.vote(paper: f.paper.id.base, upvotes: f.upvotes)) }
        render(paper: f.paper.id.base, upvotes: f.upvotes, voted: viewer?.voted.contains(f.paper.id.base) ?? false,
               csrf: viewer?.csrf, into: &h)
    }

    static func render(paper: String, upvotes: Int, voted: Bool, csrf: String?, into h: inout HTML) {
        h.raw("<form class=\"vote\" method=\"post\" action=\"/vote\">")
        h.csrf(csrf)
        h.hidden("paper", paper)
        h.hidden("vote", voted ? "0" : "1")
        h.open("button", [("type", "submit"), ("class", "votes"), ("aria-pressed", voted ? "true" : "false"),
                          ("title", voted ? "Remove your upvote" : "Upvote")])
        h.raw("<span aria-hidden=\"true\">▲</span> <span class=\"count\">")
        h.text(String(upvotes))
        h.raw("</span><span class=\"vh\"> upvotes</span></button>")
        h.raw("<span class=\"vh vote-status\" role=\"status\"></span></form>")
    }
}
