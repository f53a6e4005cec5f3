import DailyPapersCore

/// The discussion under a paper: threaded comments and the forms to add, reply, edit, delete and hide.
/// Replies and edits use <details> so they need no script.
enum CommentThreadView {
    struct Options {
        var viewer: Viewer?
        var editWindow: Double
        var now: Timestamp = .now
    }

    /// Visual nesting stops here; deeper replies line up with their parent.
    static let maximumIndent = 5

    static func render(_ comments: [Comment], paper: ArxivID, open: Bool, options: Options, into h: inout HTML) {
        h.raw("<section class=\"discussion\" aria-labelledby=\"discussion\"><h2 id=\"discussion\">Discussion</h2>")
        let children = Dictionary(grouping: comments, by: { $0.parentID ?? 0 })
        if comments.isEmpty { h.raw("<p class=\"muted\">No comments yet.</p>") }
        renderChildren(of: 0, children, depth: 0, paper: paper, options: options, into: &h)
        if !open {
            h.raw("<p class=\"muted\">This paper is not on the feed, so it takes no new comments.</p>")
        } else if let v = options.viewer {
            h.raw("<form class=\"stack comment-form\" method=\"post\" action=\"\(Route.comments.path())\">")
            h.csrf(for: v)
            h.hidden("paper", paper.base)
            h.raw("<p class=\"field\"><label for=\"new-comment\">Add a comment</label>")
            h.raw("<textarea id=\"new-comment\" name=\"body\" rows=\"4\" required maxlength=\"\(Comment.maximumLength)\" aria-describedby=\"md-help\"></textarea>")
            h.raw("<small id=\"md-help\">*emphasis*, **strong**, `code`, [links](https://...), - lists and &gt; quotes.</small></p>")
            h.raw("<p><button type=\"submit\">Comment</button></p></form>")
        } else {
            h.open("p")
            h.open("a", [("href", Route.login.path() + "?next=" + SiteRoute.percentEncode(SiteRoute.paper(paper).path))])
            h.text("Log in")
            h.close("a")
            h.raw(" to join the discussion.</p>")
        }
        h.raw("</section>")
    }

    static func renderChildren(of parent: Int, _ children: [Int: [Comment]], depth: Int, paper: ArxivID,
                               options: Options, into h: inout HTML) {
        guard let list = children[parent], !list.isEmpty else { return }
        guard depth < maximumIndent else {
            // Deeper replies form one flat list in thread order, walked without recursion: a chain of
            // thousands of replies costs neither stack nor nesting in the page.
            h.raw("<ol class=\"comments flat\">")
            var stack = Array(list.reversed())
            var shown = Set<Int>()
            while let c = stack.popLast() {
                guard shown.insert(c.id).inserted else { continue }
                h.open("li", [("id", "c\(c.id)"), ("class", "comment")])
                renderOne(c, paper: paper, options: options, into: &h)
                h.close("li")
                stack.append(contentsOf: (children[c.id] ?? []).reversed())
            }
            h.raw("</ol>")
            return
        }
        h.raw("<ol class=\"comments\">")
        for c in list {
            h.open("li", [("id", "c\(c.id)"), ("class", "comment")])
            renderOne(c, paper: paper, options: options, into: &h)
            renderChildren(of: c.id, children, depth: depth + 1, paper: paper, options: options, into: &h)
            h.close("li")
        }
        h.raw("</ol>")
    }

    static func renderOne(_ c: Comment, paper: ArxivID, options: Options, into h: inout HTML) {
        let viewer = options.viewer
        let isModerator = viewer?.account.canModerate ?? false
        h.raw("<article><header class=\"muted\">")
        if c.deleted {
            h.text("[deleted]")
        } else {
            h.open("a", [("href", SiteRoute.user(c.author.username).path)])
            h.text("@" + c.author.username)
            h.close("a")
        }
        h.text(" · ")
        h.open("time", [("datetime", c.createdAt.iso8601)])
        h.text(String(c.createdAt.iso8601.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC")
        h.close("time")
        if c.editedAt != nil { h.text(" · edited") }
        h.raw("</header>")
        if c.deleted {
            h.raw("<p class=\"muted\">This comment was deleted.</p>")
        } else if let reason = c.hiddenReason {
            h.raw("<p class=\"muted\">Hidden by the moderators.</p>")
            if isModerator {
                h.open("div", [("class", "hidden-text")])
                h.element("p", [("class", "muted")], text: "Reason: " + reason)
                h.raw(CommentMarkdown.render(c.body))
                h.close("div")
            }
        } else {
            h.raw("<div class=\"body\">")
            h.raw(CommentMarkdown.render(c.body))
            h.raw("</div>")
        }
        guard let v = viewer, !c.deleted else { h.raw("</article>"); return }
        h.raw("<div class=\"actions\">")
        if c.hiddenReason == nil {
            details("Reply", into: &h) { h in
                h.raw("<form class=\"stack\" method=\"post\" action=\"\(Route.comments.path())\">")
                h.csrf(for: v)
                h.hidden("paper", paper.base)
                h.hidden("parent", String(c.id))
                h.open("label", [("for", "r\(c.id)")]); h.text("Reply to @" + c.author.username); h.close("label")
                h.raw("<textarea id=\"r\(c.id)\" name=\"body\" rows=\"3\" required maxlength=\"\(Comment.maximumLength)\"></textarea>")
                h.raw("<p><button type=\"submit\">Reply</button></p></form>")
            }
        }
        if v.isTemplate {
            h.slot(.ownComment(c))
        } else if c.author.username == v.account.username {
            ownActions(c, csrf: v.csrf, editWindow: options.editWindow, now: options.now, into: &h)
        }
        if isModerator, c.hiddenReason == nil {
            details("Hide", into: &h) { h in
                h.raw("<form class=\"stack\" method=\"post\" action=\"\(Route.hideComment.path())\">")
                h.csrf(for: v)
                h.hidden("comment", String(c.id))
                h.open("label", [("for", "h\(c.id)")]); h.text("Reason (shown to moderators)"); h.close("label")
                h.raw("<input id=\"h\(c.id)\" name=\"reason\" required maxlength=\"500\"><p><button type=\"submit\">Hide comment</button></p></form>")
            }
        }
        h.raw("</div></article>")
    }

    /// Edit (within the window) and delete, for the comment's author.
    static func ownActions(_ c: Comment, csrf: String, editWindow: Double, now: Timestamp, into h: inout HTML) {
        if now.secondsSince1970 - c.createdAt.secondsSince1970 <= editWindow {
            details("Edit", into: &h) { h in
                h.raw("<form class=\"stack\" method=\"post\" action=\"\(Route.editComment.path(String(c.id)))\">")
                h.csrf(csrf)
                h.open("label", [("for", "e\(c.id)")]); h.text("Edit your comment"); h.close("label")
                h.raw("<textarea id=\"e\(c.id)\" name=\"body\" rows=\"3\" required maxlength=\"\(Comment.maximumLength)\">")
                h.text(c.body)
                h.raw("</textarea><p><button type=\"submit\">Save</button></p></form>")
            }
        }
        h.raw("<form class=\"inline\" method=\"post\" action=\"\(Route.deleteComment.path(String(c.id)))\">")
        h.csrf(csrf)
        h.raw("<button class=\"link\" type=\"submit\">Delete</button></form>")
    }

    static func details(_ summary: String, into h: inout HTML, body: (inout HTML) -> Void) {
        h.raw("<details><summary>")
        h.text(summary)
        h.raw("</summary>")
        body(&h)
        h.raw("</details>")
    }
}
