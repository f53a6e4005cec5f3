import DailyPapersCore
import DailyPapersStore

/// `/papers/{id}.md`: the paper page as Markdown, for tools and for pasting into notes.
enum PaperMarkdown {
    static func render(_ record: PaperRecord, site: SiteInfo) -> String {
        let p = record.paper
        var out = "# \(escape(p.title))\n\n"
        let names = p.authors.filter { !$0.hidden }.map(\.name)
        if !names.isEmpty { out += "**Authors:** \(escape(names.joined(separator: ", ")))\n\n" }
        if let f = record.featured {
            out += "**Featured:** \(f.day.iso) · **Upvotes:** \(f.upvotes) · **Comments:** \(f.numComments)"
            if let by = f.submittedBy { out += " · **Submitted by:** \(escape(by.fullname)) (@\(escape(by.username)))" }
            out += "\n\n"
        }
        let links = p.links  // computed: it scans the abstract for code and project links
        out += "- arXiv: <\(links.abstract)>\n- PDF: <\(links.pdf)>\n"
        if let code = links.code { out += "- Code: <\(code)>\n" }
        if let page = links.projectPage { out += "- Project page: <\(page)>\n" }
        out += "- On \(escape(site.name)): <\(site.publicURL)\(SiteRoute.paper(p.id).path)>\n\n"
        out += "## Abstract\n\n\(escape(p.abstract))\n"
        if let s = p.aiSummary {
            out += "\n## Summary\n\n\(escape(s))\n"
            if p.aiSummaryGenerated { out += "\n_Generated from the abstract by a language model; not written by the authors._\n" }
        }
        out += "\n## Details\n\n- arXiv id: \(p.id.versioned)\n"
        if !p.categories.isEmpty { out += "- Categories: \(p.categories.joined(separator: ", "))\n" }
        if let d = p.firstVersionAt { out += "- First version: \(d.iso8601.prefix(10))\n" }
        if let d = p.latestVersionAt { out += "- Latest version: \(d.iso8601.prefix(10))\n" }
        if let c = p.comment { out += "- Comment: \(escape(c))\n" }
        if let j = p.journalRef { out += "- Journal reference: \(escape(j))\n" }
        if let doi = p.doi { out += "- DOI: \(escape(doi))\n" }
        if !p.aiKeywords.isEmpty { out += "- Keywords: \(escape(p.aiKeywords.joined(separator: ", ")))\n" }
        return out
    }

    /// Imported text is not Markdown: keep characters that would start markup from doing so.
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            if "\\`*_[]<>#|".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
