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
        h.section("discussion", "Discussion", class: "discussion") { h in
            let children = Dictionary(grouping: comments, by: { $0.parentID ?? 0 })
            if comments.isEmpty { h.element("p", class: "muted", text: "No comments yet.") }
            renderChildren(of: 0, children, depth: 0, paper: paper, options: options, into: &h)
            if !open {
                h.element("p", class: "muted", text: "This paper is not on the feed, so it takes no new comments.")
            } else if let v = options.viewer {
                h.postForm(Route.comments.path(), class: "stack comment-form", viewer: v) { h in
                    h.hidden("paper", paper.base)
                    h.element("p", class: "field") { h in
                        h.element("label", [("for", "new-comment")], text: "Add a comment")
                        h.element("textarea", [("id", "new-comment"), ("name", "body"), ("rows", "4"), ("required", ""),
                                               ("maxlength", String(Comment.maximumLength)), ("aria-describedby", "md-help")], text: "")
                        h.element("small", [("id", "md-help")], text: "*emphasis*, **strong**, `code`, [links](https://...), - lists and > quotes.")
                    }
                    h.element("p") { h in h.submit("Comment") }
                }
            } else {
                h.element("p") { h in
                    h.link(Route.login.path() + "?next=" + SiteRoute.percentEncode(SiteRoute.paper(paper).path), "Log in")
                    h.text(" to join the discussion.")
                }
            }
        }
    }

    static func renderChildren(of parent: Int, _ children: [Int: [Comment]], depth: Int, paper: ArxivID,
                               options: Options, into h: inout HTML) {
        guard let list = children[parent], !list.isEmpty else { return }
        guard depth < maximumIndent else {
            // Deeper replies form one flat list in thread order, walked without recursion: a chain of
            // thousands of replies costs neither stack nor nesting in the page.
            h.element("ol", class: "comments flat") { h in
                var stack = Array(list.reversed())
                var shown = Set<Int>()
                while let c = stack.popLast() {
                    guard shown.insert(c.id).inserted else { continue }
                    h.element("li", [("id", "c\(c.id)"), ("class", "comment")]) { h in
                        renderOne(c, paper: paper, options: options, into: &h)
                    }
                    stack.append(contentsOf: (children[c.id] ?? []).reversed())
                }
            }
            return
        }
        h.element("ol", class: "comments") { h in
            for c in list {
                h.element("li", [("id", "c\(c.id)"), ("class", "comment")]) { h in
                    renderOne(c, paper: paper, options: options, into: &h)
                    renderChildren(of: c.id, children, depth: depth + 1, paper: paper, options: options, into: &h)
                }
            }
        }
    }

    static func renderOne(_ c: Comment, paper: ArxivID, options: Options, into h: inout HTML) {
        let viewer = options.viewer
        let isModerator = viewer?.account.canModerate ?? false
        h.element("article") { h in
            h.element("header", class: "muted") { h in
                if c.deleted {
                    h.text("[deleted]")
                } else {
                    h.link(SiteRoute.user(c.author.username).path, "@" + c.author.username)
                }
                h.text(" · ")
                h.element("time", [("datetime", c.createdAt.iso8601)],
                          text: String(c.createdAt.iso8601.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC")
                if c.editedAt != nil { h.text(" · edited") }
            }
            if c.deleted {
                h.element("p", class: "muted", text: "This comment was deleted.")
            } else if let reason = c.hiddenReason {
                h.element("p", class: "muted", text: "Hidden by the moderators.")
                if isModerator {
                    h.element("div", class: "hidden-text") { h in
                        h.element("p", class: "muted", text: "Reason: " + reason)
                        h.markup(.comment(c.body))
                    }
                }
            } else {
                h.element("div", class: "body") { h in h.markup(.comment(c.body)) }
            }
            guard let v = viewer, !c.deleted else { return }
            h.element("div", class: "actions") { h in
                if c.hiddenReason == nil {
                    details("Reply", into: &h) { h in
                        h.postForm(Route.comments.path(), class: "stack", viewer: v) { h in
                            h.hidden("paper", paper.base)
                            h.hidden("parent", String(c.id))
                            h.element("label", [("for", "r\(c.id)")], text: "Reply to @" + c.author.username)
                            h.element("textarea", [("id", "r\(c.id)"), ("name", "body"), ("rows", "3"), ("required", ""),
                                                   ("maxlength", String(Comment.maximumLength))], text: "")
                            h.element("p") { h in h.submit("Reply") }
                        }
                    }
                }
                if v.isTemplate {
                    h.slot(.ownComment(c))
                } else if c.author.username == v.account.username {
                    ownActions(c, csrf: v.csrf, editWindow: options.editWindow, now: options.now, into: &h)
                }
                if isModerator, c.hiddenReason == nil {
                    details("Hide", into: &h) { h in
                        h.postForm(Route.hideComment.path(), class: "stack", viewer: v) { h in
                            h.hidden("comment", String(c.id))
                            h.element("label", [("for", "h\(c.id)")], text: "Reason (shown to moderators)")
                            h.void("input", [("id", "h\(c.id)"), ("name", "reason"), ("required", ""), ("maxlength", "500")])
                            h.element("p") { h in h.submit("Hide comment") }
                        }
                    }
                }
            }
        }
    }

    /// Edit (within the window) and delete, for the comment's author.
    static func ownActions(_ c: Comment, csrf: String, editWindow: Double, now: Timestamp, into h: inout HTML) {
        if now.secondsSince1970 - c.createdAt.secondsSince1970 <= editWindow {
            details("Edit", into: &h) { h in
                h.postForm(Route.editComment.path(String(c.id)), class: "stack", csrf: csrf) { h in
                    h.element("label", [("for", "e\(c.id)")], text: "Edit your comment")
                    h.element("textarea", [("id", "e\(c.id)"), ("name", "body"), ("rows", "3"), ("required", ""),
                                           ("maxlength", String(Comment.maximumLength))], text: c.body)
                    h.element("p") { h in h.submit("Save") }
                }
            }
        }
        h.postForm(Route.deleteComment.path(String(c.id)), class: "inline", csrf: csrf) { h in
            h.submit("Delete", class: "link")
        }
    }

    static func details(_ summary: String, into h: inout HTML, body: (inout HTML) -> Void) {
        h.element("details") { h in
            h.element("summary", text: summary)
            body(&h)
        }
    }
}
