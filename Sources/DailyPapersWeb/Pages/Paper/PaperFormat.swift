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
