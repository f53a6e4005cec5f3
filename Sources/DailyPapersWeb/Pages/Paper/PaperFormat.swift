import DailyPapersCore
import DailyPapersStore

/// What a paper's URL answers, by the suffix after its id: the page, its Markdown (`.md`, as Hugging Face's), or its
/// citation for a reference manager (`.bib`, `.ris`, `.csl.json`).
enum PaperFormat: CaseIterable, Sendable {
    case page, markdown, bibtex, ris, cslJSON

    var suffix: String {
        switch self {
        case .page: ""
        case .markdown: ".md"
        case .bibtex: ".bib"
        case .ris: ".ris"
        case .cslJSON: ".csl.json"
        }
    }

    /// How a link to this format reads.
    var label: String {
        switch self {
        case .page: "Page"
        case .markdown: "Markdown"
        case .bibtex: "BibTeX"
        case .ris: "RIS"
        case .cslJSON: "CSL-JSON"
        }
    }

    var contentType: String {
        switch self {
        case .page: "text/html; charset=utf-8"
        case .markdown: "text/markdown; charset=utf-8"
        case .bibtex: "application/x-bibtex; charset=utf-8"
        case .ris: "application/x-research-info-systems; charset=utf-8"
        case .cslJSON: "application/vnd.citationstyles.csl+json; charset=utf-8"
        }
    }

    /// The id as written and the format its suffix asks for (no suffix: the page).
    static func split(_ raw: String) -> (id: String, format: PaperFormat) {
        for format in allCases where format != .page && raw.hasSuffix(format.suffix) {
            return (String(raw.dropLast(format.suffix.count)), format)
        }
        return (raw, .page)
    }

    /// Whether an `Accept` header asks for Markdown before HTML (`text/markdown`, or `text/markdown, text/html;q=0.9`),
    /// as Hugging Face answers a paper's URL; a browser's (`text/html,...,*/*;q=0.8`) or none gets the page. A tie goes
    /// to the page. One pass over the header, whatever its length.
    static func prefersMarkdown(_ accept: String?) -> Bool {
        guard let accept, accept.utf8.count <= 4096 else { return false }
        var markdown = 0.0, html = 0.0
        for part in accept.split(separator: ",") {
            let pieces = part.split(separator: ";")
            guard let type = pieces.first?.trimmingCharacters(in: .whitespaces).lowercased() else { continue }
            var q = 1.0
            for parameter in pieces.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0].lowercased() == "q" { q = Double(pair[1]).map { min(max($0, 0), 1) } ?? 0 }
            }
            if type == "text/markdown" { markdown = max(markdown, q) }
            if type == "text/html" || type == "text/*" || type == "*/*" { html = max(html, q) }
        }
        return markdown > 0 && markdown > html
    }

    /// The text of a format other than the page, for these papers.
    func text(_ papers: [PaperRecord], site: SiteInfo) -> String {
        switch self {
        case .page: ""
        case .markdown: papers.map { PaperMarkdown.render($0, site: site) }.joined(separator: "\n")
        case .bibtex: Citation.bibtex(papers.map(\.paper))
        case .ris: Citation.ris(papers.map(\.paper))
        case .cslJSON: Citation.cslJSON(papers.map(\.paper))
        }
    }
}
