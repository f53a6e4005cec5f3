import DailyPapersCore
import DailyPapersStore

enum PaperPageView {
    /// What a signed-in viewer adds to the page: their votes, forms, and moderators' notes.
    struct Personal {
        var viewer: Viewer?
        var notice: String?
        var hiddenReason: String?
        var editWindow: Double = 900
    }

    static func render(_ record: PaperRecord, history: [(Timestamp, Int)] = [], comments: [Comment] = [],
                       similar: [(record: PaperRecord, score: Double)] = [],
                       personal: Personal = Personal(), site: SiteInfo) -> String {
        document(record, history: history, comments: comments, similar: similar, personal: personal, site: site).output
    }

    static func document(_ record: PaperRecord, history: [(Timestamp, Int)] = [], comments: [Comment] = [],
                         similar: [(record: PaperRecord, score: Double)] = [],
                         personal: Personal = Personal(), site: SiteInfo) -> HTML {
        let p = record.paper
        let viewer = personal.viewer
        return Layout.document(site: site, title: p.title, description: TextHelpers.excerpt(p.abstract, limit: 200),
                           canonical: SiteRoute.paper(p.id).path,
                           alternates: [("text/markdown", SiteRoute.paperMarkdown(p.id).path),
                                        ("application/json", SiteRoute.apiPaper(p.id).path)], viewer: viewer) { h in
            h.notice(personal.notice, viewer: viewer)
            if let reason = personal.hiddenReason, viewer?.account.canModerate == true {
                h.notice("Hidden from the feed by the moderators: " + reason, error: true)
            }
            h.raw("<article class=\"paper\"><header>")
            h.open("p", [("class", "crumbs")])
            if let f = record.featured {
                h.raw("Featured on ")
                h.open("a", [("href", SiteRoute.feed(.day(f.day), sort: .upvotes).path)])
                h.text(FeedPageModel.title(of: .day(f.day)))
                h.close("a")
            } else {
                h.text("Not featured on the daily feed")
            }
            h.close("p")
            h.element("h1", text: p.title)
            authors(p.authors, into: &h)
            h.raw("</header>")
            if let f = record.featured {
                h.raw("<div class=\"meta\">")
                VoteButtonView.render(f, viewer: viewer, into: &h)
                h.raw(" <span class=\"comments\">" + Icons.comment + " ")
                h.text("\(f.numComments)")
                h.raw("<span class=\"vh\"> comments</span></span>")
                if let by = f.submittedBy {
                    h.raw(" <span class=\"by\">Submitted by ")
                    h.text("\(by.fullname) (@\(by.username))")
                    h.raw("</span>")
                }
                h.raw("</div>")
                sparkline(f, history, into: &h)
            }
            h.raw("<p class=\"links\">")
            let links = p.links  // computed: it scans the abstract for code and project links
            PaperCardView.link("arXiv page", links.abstract, into: &h)
            PaperCardView.link("PDF", links.pdf, into: &h)
            if let code = links.code { PaperCardView.link("Code", code, into: &h) }
            if let page = links.projectPage { PaperCardView.link("Project page", page, into: &h) }
            h.open("a", [("href", SiteRoute.paperMarkdown(p.id).path)])
            h.text("Markdown")
            h.close("a")
            h.raw("</p><section aria-labelledby=\"abstract\"><h2 id=\"abstract\">Abstract</h2>")
            h.element("p", [("class", "abstract")], text: p.abstract)
            h.raw("</section>")
            if let summary = p.aiSummary {
                h.raw("<section aria-labelledby=\"summary\"><h2 id=\"summary\">Summary</h2>")
                h.element("p", text: summary)
                h.raw("</section>")
            }
            h.raw("<section aria-labelledby=\"details\"><h2 id=\"details\">Details</h2><dl class=\"details\">")
            detail("arXiv id", p.id.versioned, into: &h)
            if !p.categories.isEmpty { detail("Categories", p.categories.joined(separator: ", ") + " (primary: \(p.categories[0]))", into: &h) }
            if let d = p.firstVersionAt { detail("First version", d.iso8601.prefix(10) + "", into: &h) }
            if let d = p.latestVersionAt { detail("Latest version", d.iso8601.prefix(10) + "", into: &h) }
            if let c = p.comment { detail("Comment", c, into: &h) }
            if let j = p.journalRef { detail("Journal reference", j, into: &h) }
            if let doi = p.doi { detail("DOI", doi, into: &h) }
            if !p.aiKeywords.isEmpty { detail("Keywords", p.aiKeywords.joined(separator: ", "), into: &h) }
            h.raw("</dl></section>")
            similarPapers(similar, into: &h)
            if let v = viewer { memberTools(p, featured: record.featured != nil, viewer: v, into: &h) }
            CommentThreadView.render(comments, paper: p.id, open: record.featured != nil,
                                     options: .init(viewer: viewer, editWindow: personal.editWindow), into: &h)
            h.raw("</article>")
        }
    }

    /// Nearest papers by their words (tf-idf cosine), with how close each is.
    static func similarPapers(_ similar: [(record: PaperRecord, score: Double)], into h: inout HTML) {
        guard !similar.isEmpty else { return }
        h.raw("<section aria-labelledby=\"similar\"><h2 id=\"similar\">Similar papers</h2><ol class=\"similar\">")
        for (record, score) in similar {
            let q = record.paper
            h.raw("<li>")
            h.open("a", [("href", SiteRoute.paper(q.id).path)])
            h.text(q.title)
            h.close("a")
            h.open("span", [("class", "why")])
            var meta = [String(format: "%.0f%% alike", score * 100)]
            if !q.aiKeywords.isEmpty { meta.append(q.aiKeywords.prefix(3).joined(separator: ", ")) }
            if let f = record.featured { meta.append("\(f.upvotes) upvotes") }
            h.text(" · " + meta.joined(separator: " · "))
            h.close("span")
            h.raw("</li>")
        }
        h.raw("</ol></section>")
    }

    /// Claiming authorship, and the moderators' hide form.
    static func memberTools(_ p: Paper, featured: Bool, viewer v: Viewer, into h: inout HTML) {
        let unclaimed = p.authors.enumerated().filter { !$0.element.hidden && $0.element.user == nil }
        if !unclaimed.isEmpty {
            CommentThreadView.details("Are you an author of this paper?", into: &h) { h in
                h.raw("<form class=\"stack\" method=\"post\" action=\"\(Route.claims.path())\">")
                h.csrf(for: v)
                h.hidden("paper", p.id.base)
                h.raw("<p class=\"field\"><label for=\"claim-author\">I am</label><select id=\"claim-author\" name=\"author\">")
                for (i, a) in unclaimed {
                    h.open("option", [("value", String(i))])
                    h.text(a.name)
                    h.close("option")
                }
                h.raw("</select></p><p><button type=\"submit\">Claim authorship</button></p></form>")
            }
        }
        if featured, v.account.canModerate {
            CommentThreadView.details("Hide this paper from the feed", into: &h) { h in
                h.raw("<form class=\"stack\" method=\"post\" action=\"\(Route.hidePaper.path())\">")
                h.csrf(for: v)
                h.hidden("paper", p.id.base)
                h.raw("<p class=\"field\"><label for=\"hide-reason\">Reason (shown to moderators)</label>")
                h.raw("<input id=\"hide-reason\" name=\"reason\" required maxlength=\"500\"></p>")
                h.raw("<p><button type=\"submit\">Hide paper</button></p></form>")
            }
        }
    }

    static func authors(_ authors: [Author], into h: inout HTML) {
        guard !authors.isEmpty else { return }
        h.raw("<ul class=\"author-list\" aria-label=\"Authors\">")
        for a in authors where !a.hidden {
            h.open("li")
            h.text(a.name)
            if !a.affiliations.isEmpty {
                h.open("span", [("class", "affiliation")])
                h.text(" (" + a.affiliations.joined(separator: "; ") + ")")
                h.close("span")
            }
            if let user = a.user {
                h.open("span", [("class", "claimed"), ("title", "claimed by @\(user.username)")])
                h.text(" ✓")
                h.close("span")
            }
            h.close("li")
        }
        h.raw("</ul>")
    }

    /// Upvotes from submission (0) through every recorded change.
    static func sparkline(_ f: FeaturedPaper, _ history: [(Timestamp, Int)], into h: inout HTML) {
        var points = [(f.submittedAt.secondsSince1970, 0.0)]
        points += history.filter { $0.0 > f.submittedAt }.map { ($0.0.secondsSince1970, Double($0.1)) }
        guard points.count > 1 else { return }
        let label = "Upvotes over time: 0 on \(f.submittedAt.iso8601.prefix(10)), \(Int(points.last!.1)) on \(Timestamp(secondsSince1970: points.last!.0).iso8601.prefix(10))"
        h.raw(SVGChart.sparkline(points, label: label))
    }

    static func detail(_ term: String, _ value: String, into h: inout HTML) {
        h.element("dt", text: term)
        h.element("dd", text: value)
    }
}
