import DailyPapersCore
import Foundation

/// One paper in a list: thumbnail or cover, title, authors, excerpt, votes, comments, submitter, links.
enum PaperCardView {
    /// - Parameter snippet: search context with U+E000/U+E001 around matches; replaces the excerpt.
    static func render(_ f: FeaturedPaper, thumbnailPath: String?, snippet: String? = nil, viewer: Viewer? = nil,
                       into h: inout HTML) {
        let p = f.paper
        let paperPath = SiteRoute.paper(p.id).path
        h.raw("<article class=\"card\">")
        h.open("a", [("class", "thumb"), ("href", paperPath), ("tabindex", "-1"), ("aria-hidden", "true")])
        if let thumbnailPath {
            h.open("img", [("src", thumbnailPath), ("alt", ""), ("loading", "lazy"), ("width", "240"), ("height", "135")])
        } else {
            // A cover drawn from the paper's own text, so no image is fetched from another host.
            // Twelve hue classes rather than an inline style, which the Content-Security-Policy forbids.
            h.open("span", [("class", "cover hue\(hue(p.id.base) % 12)")])
            h.text(p.primaryCategory ?? "arXiv " + p.id.base)
            h.close("span")
        }
        h.raw("</a><div class=\"body\"><h3>")
        h.open("a", [("href", paperPath)])
        h.text(p.title)
        h.raw("</a></h3>")
        if !p.authors.isEmpty {
            h.open("p", [("class", "authors")])
            h.text(TextHelpers.shortAuthorList(p.authors.map(\.name)))
            h.close("p")
        }
        h.open("p", [("class", "excerpt")])
        if let snippet, snippet.contains("\u{E000}") {
            // Escape first, then turn the markers into <mark>: the text never becomes markup.
            h.raw(HTML.escaped(snippet).replacingOccurrences(of: "\u{E000}", with: "<mark>").replacingOccurrences(of: "\u{E001}", with: "</mark>"))
        } else {
            h.text(TextHelpers.excerpt(p.abstract, limit: 280))
        }
        h.close("p")
        if !p.aiKeywords.isEmpty {
            h.open("p", [("class", "keywords")])
            h.raw("<span class=\"vh\">Keywords: </span>")
            for keyword in p.aiKeywords.prefix(5) { h.element("span", text: keyword) }
            h.close("p")
        }
        h.raw("<div class=\"meta\">")
        VoteButtonView.render(f, viewer: viewer, into: &h)
        h.raw("<span class=\"comments\" title=\"comments\">")
        h.raw(Icons.comment)
        h.raw(" ")
        h.text(String(f.numComments))
        h.raw("<span class=\"vh\"> comments</span></span>")
        if let by = f.submittedBy {
            h.raw("<span class=\"by\">Submitted by ")
            h.text(by.fullname)
            h.raw("</span>")
        }
        h.raw("</div><p class=\"links\">")
        let links = p.links  // computed: it scans the abstract for code and project links
        link("arXiv", links.abstract, into: &h)
        link("PDF", links.pdf, into: &h)
        if let code = links.code { link("Code", code, into: &h) }
        if let page = links.projectPage { link("Project page", page, into: &h) }
        h.raw("</p></div></article>")
    }

    static func link(_ label: String, _ href: String, into h: inout HTML) {
        h.open("a", [("href", href), ("rel", "noopener")])
        h.text(label)
        h.close("a")
    }

    /// A stable hue per paper so covers differ but never change between renders.
    static func hue(_ key: String) -> Int {
        var x: UInt32 = 2_166_136_261
        for b in key.utf8 { x = (x ^ UInt32(b)) &* 16_777_619 }
        return Int(x % 360)
    }
}
