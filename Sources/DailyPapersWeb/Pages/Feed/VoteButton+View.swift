import DailyPapersCore

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
        write(paper: paper, upvotes: upvotes, voted: voted, csrfInput: HTML.csrfInput(csrf), into: &h)
    }

    /// Few appends of fixed markup, into a page being written or straight into one being filled (a member's
    /// page writes one per card on every request); `csrfInput` is the token's hidden input, made once.
    static func write(paper: String, upvotes: Int, voted: Bool, csrfInput: String, into out: inout some MarkupSink) {
        out.appendMarkup("<form class=\"vote\" method=\"post\" action=\"\(Route.vote.path())\">")
        out.appendMarkup(csrfInput)
        out.appendMarkup("<input type=\"hidden\" name=\"paper\" value=\"")
        out.appendMarkup(HTML.escaped(paper))
        out.appendMarkup(voted ? votedButton : unvotedButton)
        out.appendMarkup(String(upvotes))
        out.appendMarkup("</span><span class=\"vh\"> upvotes</span></button><span class=\"vh vote-status\" role=\"status\"></span></form>")
    }

    private static let votedButton = "\"><input type=\"hidden\" name=\"vote\" value=\"0\"><button type=\"submit\" class=\"votes\" "
        + "aria-pressed=\"true\" title=\"Remove your upvote\"><span aria-hidden=\"true\">▲</span> <span class=\"count\">"
    private static let unvotedButton = "\"><input type=\"hidden\" name=\"vote\" value=\"1\"><button type=\"submit\" class=\"votes\" "
        + "aria-pressed=\"false\" title=\"Upvote\"><span aria-hidden=\"true\">▲</span> <span class=\"count\">"
}
