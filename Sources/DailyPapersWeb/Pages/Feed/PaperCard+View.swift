import DailyPapersCore
import DailyPapersStore
import Foundation

/// One paper in a list: thumbnail or cover, title, authors, excerpt, votes, comments, submitter, links.
enum PaperCardView {
    /// - Parameter snippet: search context with U+E000/U+E001 around matches; replaces the excerpt.
    /// A search result: a featured paper's card says which day it was on the feed; a paper never featured
    /// says so, and a member can put it on today's feed from there.
    static func render(_ record: PaperRecord, snippet: String?, viewer: Viewer?, into h: inout HTML) {
        switch record {
        case .featured(let f): render(f, thumbnailPath: nil, snippet: snippet, viewer: viewer, showDay: true, into: &h)
        case .unfeatured(let p): card(p, thumbnailPath: nil, snippet: snippet, into: &h) { h in
            if viewer != nil { SaveButtonView.render(p.id, viewer: viewer, into: &h) }
            h.element("span", class: "by", text: "Not on the feed" + (p.firstVersionAt.map { " · arXiv " + $0.iso8601.prefix(10) } ?? ""))
            if let viewer { submitButton(p.id, viewer: viewer, into: &h) }
        }
        }
    }

    /// One click to put a paper on today's feed (the submission rules apply; see `SubmissionRules`).
    static func submitButton(_ id: ArxivID, viewer: Viewer, into h: inout HTML) {
        h.postForm(Route.submit.path(), class: "inline", viewer: viewer) { h in
            h.hidden("paper", id.base)
            h.submit("Put on today's feed", class: "link")
        }
    }

    static func render(_ f: FeaturedPaper, thumbnailPath: String?, snippet: String? = nil, viewer: Viewer? = nil,
                       showDay: Bool = false, into h: inout HTML) {
        card(f.paper, thumbnailPath: thumbnailPath, snippet: snippet, into: &h) { h in
            VoteButtonView.render(f, viewer: viewer, into: &h)
            if viewer != nil { SaveButtonView.render(f.paper.id, viewer: viewer, into: &h) }
            h.element("span", class: "comments", [("title", "comments")]) { h in
                h.markup(Icons.comment)
                h.text(" " + String(f.numComments))
                h.element("span", class: "vh", text: " comments")
            }
            if let by = f.submittedBy {
                h.element("span", class: "by", text: "Submitted by " + by.fullname)
            }
            if showDay {
                h.element("span", class: "by") { h in
                    h.text("On the feed ")
                    h.link(SiteRoute.feed(.day(f.day), sort: .upvotes).path, FeedPeriod.shortDate(f.day) + ", \(f.day.year)")
                }
            }
        }
    }

    /// The card around a paper: `meta` writes the line of votes, comments and who submitted it.
    private static func card(_ p: Paper, thumbnailPath: String?, snippet: String?, into h: inout HTML,
                             meta: (inout HTML) -> Void) {
        let paperPath = SiteRoute.paper(p.id).path
        h.element("article", class: "card") { h in
            h.element("a", class: "thumb", [("href", paperPath), ("tabindex", "-1"), ("aria-hidden", "true")]) { h in
                if let thumbnailPath {
                    h.void("img", [("src", thumbnailPath), ("alt", ""), ("loading", "lazy"), ("width", "240"), ("height", "135")])
                } else {
                    // A cover drawn from the paper's own text, so no image is fetched from another host.
                    // Twelve hue classes rather than an inline style, which the Content-Security-Policy forbids.
                    h.element("span", class: "cover hue\(hue(p.id.base) % 12)", text: p.primaryCategory ?? "arXiv " + p.id.base)
                }
            }
            h.element("div", class: "body") { h in
                h.element("h3") { h in h.link(paperPath, p.title) }
                if !p.authors.isEmpty {
                    h.element("p", class: "authors", text: TextHelpers.shortAuthorList(p.authors.map(\.name)))
                }
                h.element("p", class: "excerpt") { h in
                    if let snippet, snippet.contains("\u{E000}") {
                        highlighted(snippet, into: &h)
                    } else {
                        h.text(TextHelpers.excerpt(p.abstract, limit: 280))
                    }
                }
                if !p.aiKeywords.isEmpty {
                    h.element("p", class: "keywords") { h in
                        h.element("span", class: "vh", text: "Keywords: ")
                        for keyword in p.aiKeywords.prefix(5) { h.element("span", text: keyword) }
                    }
                }
                h.element("div", class: "meta") { h in meta(&h) }
                h.element("p", class: "links") { h in
                    let links = p.links  // computed: it scans the abstract for code and project links
                    link("arXiv", links.abstract, into: &h)
                    link("PDF", links.pdf, into: &h)
                    if let code = links.code { link(codeLabel(p), code, into: &h) }
                    if let page = links.projectPage { link("Project page", page, into: &h) }
                }
            }
        }
    }

    /// "Code", with its repository's stars when the stars job has them: "Code ★ 1,234".
    static func codeLabel(_ p: Paper) -> String {
        guard let stars = p.githubStars else { return "Code" }
        return "Code ★ " + grouped(stars)
    }

    /// 1234567 as "1,234,567".
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0, ch != "-" { out.append(",") }
            out.append(ch)
        }
        return out
    }

    /// A search snippet with U+E000 before and U+E001 after each match: the text between marked up, all of
    /// it escaped. A stray or unpaired marker (the text is the paper's own) opens or closes nothing.
    static func highlighted(_ snippet: String, into h: inout HTML) {
        var rest = Substring(snippet)
        while let open = rest.firstIndex(of: "\u{E000}") {
            h.text(String(rest[..<open]).replacingOccurrences(of: "\u{E001}", with: ""))
            rest = rest[rest.index(after: open)...]
            let close = rest.firstIndex(of: "\u{E001}") ?? rest.endIndex
            h.element("mark", text: String(rest[..<close]).replacingOccurrences(of: "\u{E000}", with: ""))
            rest = close == rest.endIndex ? "" : rest[rest.index(after: close)...]
        }
        h.text(String(rest).replacingOccurrences(of: "\u{E001}", with: ""))
    }

    static func link(_ label: String, _ href: String, into h: inout HTML) {
        h.link(href, label, [("rel", "noopener")])
    }

    /// A stable hue per paper so covers differ but never change between renders.
    static func hue(_ key: String) -> Int {
        var x: UInt32 = 2_166_136_261
        for b in key.utf8 { x = (x ^ UInt32(b)) &* 16_777_619 }
        return Int(x % 360)
    }
}
