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
                                        ("application/json", SiteRoute.apiPaper(p.id).path)],
                           meta: Citation.highwireTags(p), viewer: viewer) { h in
            h.notice(personal.notice, viewer: viewer)
            if let reason = personal.hiddenReason, viewer?.account.canModerate == true {
                h.notice("Hidden from the feed by the moderators: " + reason, error: true)
            }
            h.element("article", class: "paper") { h in
                h.element("header") { h in
                    h.element("p", class: "crumbs") { h in
                        if let f = record.featured {
                            h.text("Featured on ")
                            h.link(SiteRoute.feed(.day(f.day), sort: .upvotes).path, FeedPageModel.title(of: .day(f.day)))
                        } else {
                            h.text("Not featured on the daily feed")
                        }
                    }
                    if record.featured == nil, let viewer {
                        h.element("div", class: "meta") { h in
                            SaveButtonView.render(p.id, viewer: viewer, into: &h)
                            h.link(Route.collect.path() + "?paper=" + SiteRoute.percentEncode(p.id.base), "Add to a collection")
                            PaperCardView.submitButton(p.id, viewer: viewer, into: &h)
                        }
                    }
                    h.element("h1", text: p.title)
                    authors(p.authors, into: &h)
                    if let viewer {
                        // Follow the first authors or the category in one click (the list of papers they bring is /following).
                        h.element("p", class: "follow-line muted") { h in
                            h.text("Follow: ")
                            for author in p.authors.prefix(3) {
                                FollowRoutes.button(.init(kind: .author, target: author.name), label: author.name, viewer: viewer,
                                                    next: SiteRoute.paper(p.id).path, into: &h)
                                h.text(" ")
                            }
                            if let category = p.primaryCategory {
                                FollowRoutes.button(.init(kind: .category, target: category), label: category, viewer: viewer,
                                                    next: SiteRoute.paper(p.id).path, into: &h)
                            }
                        }
                    }
                }
                if let f = record.featured {
                    h.element("div", class: "meta") { h in
                        VoteButtonView.render(f, viewer: viewer, into: &h)
                        if let viewer {
                            h.text(" ")
                            SaveButtonView.render(p.id, viewer: viewer, into: &h)
                            h.text(" ")
                            h.link(Route.collect.path() + "?paper=" + SiteRoute.percentEncode(p.id.base), "Add to a collection")
                        }
                        h.text(" ")
                        h.element("span", class: "comments") { h in
                            h.markup(Icons.comment)
                            h.text(" \(f.numComments)")
                            h.element("span", class: "vh", text: " comments")
                        }
                        if let by = f.submittedBy {
                            h.text(" ")
                            h.element("span", class: "by", text: "Submitted by \(by.fullname) (@\(by.username))")
                        }
                    }
                    sparkline(f, history, into: &h)
                }
                h.element("p", class: "links") { h in
                    let links = p.links  // computed: it scans the abstract for code and project links
                    PaperCardView.link("arXiv page", links.abstract, into: &h)
                    PaperCardView.link("PDF", links.pdf, into: &h)
                    if let code = links.code { PaperCardView.link(PaperCardView.codeLabel(p), code, into: &h) }
                    if let page = links.projectPage { PaperCardView.link("Project page", page, into: &h) }
                    h.link(SiteRoute.paperMarkdown(p.id).path, "Markdown")
                }
                h.section("abstract", "Abstract") { h in h.element("p", class: "abstract", text: p.abstract) }
                if let summary = p.aiSummary {
                    h.section("summary", "Summary") { h in
                        h.element("p", text: summary)
                        if p.aiSummaryGenerated {
                            h.element("p", class: "note generated", text: "Generated from the abstract by a language model this site runs; not written or checked by the authors.")
                        }
                    }
                }
                h.section("details", "Details") { h in
                    h.element("dl", class: "details") { h in
                        detail("arXiv id", p.id.versioned, into: &h)
                        if !p.categories.isEmpty { detail("Categories", p.categories.joined(separator: ", ") + " (primary: \(p.categories[0]))", into: &h) }
                        if let d = p.firstVersionAt { detail("First version", d.iso8601.prefix(10) + "", into: &h) }
                        if let d = p.latestVersionAt { detail("Latest version", d.iso8601.prefix(10) + "", into: &h) }
                        if let c = p.comment { detail("Comment", c, into: &h) }
                        if let j = p.journalRef { detail("Journal reference", j, into: &h) }
                        if let doi = p.doi { detail("DOI", doi, into: &h) }
                        if !p.aiKeywords.isEmpty { detail("Keywords", p.aiKeywords.joined(separator: ", "), into: &h) }
                    }
                }
                cite(p, into: &h)
                similarPapers(similar, into: &h)
                if let v = viewer { memberTools(p, featured: record.featured != nil, viewer: v, into: &h) }
                CommentThreadView.render(comments, paper: p.id, open: record.featured != nil,
                                         options: .init(viewer: viewer, editWindow: personal.editWindow), into: &h)
            }
        }
    }

    /// The paper's BibTeX to copy, and its citation files for reference managers; no script needed.
    static func cite(_ p: Paper, into h: inout HTML) {
        h.element("details", class: "cite") { h in
            h.element("summary", text: "Cite")
            h.element("pre", class: "bibtex", text: Citation.bibtex([p]))
            h.element("p", class: "links") { h in
                h.text("Download: ")
                for (i, format) in [PaperFormat.bibtex, .ris, .cslJSON].enumerated() {
                    if i > 0 { h.text(" · ") }
                    h.link(SiteRoute.paperAs(p.id, format).path, format.label)
                }
            }
        }
    }

    /// Nearest papers by their words (tf-idf cosine), with how close each is.
    static func similarPapers(_ similar: [(record: PaperRecord, score: Double)], into h: inout HTML) {
        guard !similar.isEmpty else { return }
        h.section("similar", "Similar papers") { h in
            h.element("ol", class: "similar") { h in
                for (record, score) in similar {
                    let q = record.paper
                    h.element("li") { h in
                        h.link(SiteRoute.paper(q.id).path, q.title)
                        var meta = [String(format: "%.0f%% alike", score * 100)]
                        if !q.aiKeywords.isEmpty { meta.append(q.aiKeywords.prefix(3).joined(separator: ", ")) }
                        if let f = record.featured { meta.append("\(f.upvotes) upvotes") }
                        h.element("span", class: "why", text: " · " + meta.joined(separator: " · "))
                    }
                }
            }
        }
    }

    /// Claiming authorship, and the moderators' hide form.
    static func memberTools(_ p: Paper, featured: Bool, viewer v: Viewer, into h: inout HTML) {
        let unclaimed = p.authors.enumerated().filter { !$0.element.hidden && $0.element.user == nil }
        if !unclaimed.isEmpty {
            CommentThreadView.details("Are you an author of this paper?", into: &h) { h in
                h.postForm(Route.claims.path(), class: "stack", viewer: v) { h in
                    h.hidden("paper", p.id.base)
                    h.element("p", class: "field") { h in
                        h.element("label", [("for", "claim-author")], text: "I am")
                        h.element("select", [("id", "claim-author"), ("name", "author")]) { h in
                            for (i, a) in unclaimed { h.element("option", [("value", String(i))], text: a.name) }
                        }
                    }
                    h.element("p") { h in h.submit("Claim authorship") }
                }
            }
        }
        if p.authors.contains(where: { $0.user != nil }) {
            // Its confirmed authors set its links; the page says so to anyone else.
            h.element("p", class: "author-tools") { h in h.link(SiteRoute.paperLinks(p.id).path, "Authors: set the code and project links") }
        }
        if featured, v.account.canModerate {
            CommentThreadView.details("Hide this paper from the feed", into: &h) { h in
                h.postForm(Route.hidePaper.path(), class: "stack", viewer: v) { h in
                    h.hidden("paper", p.id.base)
                    h.element("p", class: "field") { h in
                        h.element("label", [("for", "hide-reason")], text: "Reason (shown to moderators)")
                        h.void("input", [("id", "hide-reason"), ("name", "reason"), ("required", ""), ("maxlength", "500")])
                    }
                    h.element("p") { h in h.submit("Hide paper") }
                }
            }
        }
    }

    static func authors(_ authors: [Author], into h: inout HTML) {
        guard !authors.isEmpty else { return }
        h.element("ul", class: "author-list", [("aria-label", "Authors")]) { h in
            for a in authors where !a.hidden {
                h.element("li") { h in
                    h.text(a.name)
                    if !a.affiliations.isEmpty {
                        h.element("span", class: "affiliation", text: " (" + a.affiliations.joined(separator: "; ") + ")")
                    }
                    if let user = a.user {
                        h.element("span", class: "claimed", [("title", "claimed by @\(user.username)")], text: " ✓")
                    }
                }
            }
        }
    }

    /// Upvotes from submission (0) through every recorded change.
    static func sparkline(_ f: FeaturedPaper, _ history: [(Timestamp, Int)], into h: inout HTML) {
        var points = [(f.submittedAt.secondsSince1970, 0.0)]
        points += history.filter { $0.0 > f.submittedAt }.map { ($0.0.secondsSince1970, Double($0.1)) }
        guard points.count > 1 else { return }
        let label = "Upvotes over time: 0 on \(f.submittedAt.iso8601.prefix(10)), \(Int(points.last!.1)) on \(Timestamp(secondsSince1970: points.last!.0).iso8601.prefix(10))"
        SVGChart.sparkline(points, label: label, into: &h)
    }

    static func detail(_ term: String, _ value: String, into h: inout HTML) {
        h.element("dt", text: term)
        h.element("dd", text: value)
    }
}
