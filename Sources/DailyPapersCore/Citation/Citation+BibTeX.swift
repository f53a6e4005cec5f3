extension Citation {
    /// BibTeX entries in arXiv's form: `@misc` with `eprint`, `archivePrefix` and `primaryClass` (what biblatex and
    /// natbib styles print as "arXiv:2501.00001 [cs.CL]"), one per paper, keys made distinct.
    public static func bibtex(_ papers: [Paper]) -> String {
        zip(papers, keys(papers)).map { paper, key in
            var fields: [(String, String)] = [("title", paper.title)]
            if !paper.authors.isEmpty {
                fields.append(("author", paper.authors.map { author in
                    // A name holding " and " (an organisation) is braced, or it would read as two authors.
                    let name = bibtexEscaped(author.name)
                    return name.range(of: " and ", options: .caseInsensitive) == nil ? name : "{\(name)}"
                }.joined(separator: " and ")))
            }
            if let day = date(paper) { fields.append(("year", String(day.year))); fields.append(("month", months[day.month - 1])) }
            fields.append(("eprint", paper.id.base))
            fields.append(("archivePrefix", "arXiv"))
            if let primary = paper.primaryCategory { fields.append(("primaryClass", primary)) }
            if let doi = paper.doi, !doi.isEmpty { fields.append(("doi", doi)) }
            fields.append(("url", paper.links.abstract))
            let body = fields.map { name, value in
                // `author` was escaped name by name, `month` is a macro; everything else is escaped here.
                let text = name == "author" ? value : bibtexEscaped(value)
                return name == "month" ? "  month = \(value)" : "  \(name) = {\(text)}"
            }
            return "@misc{\(key),\n" + body.joined(separator: ",\n") + "\n}\n"
        }.joined(separator: "\n")
    }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// A value inside braces: on one line, with BibTeX's and LaTeX's special characters escaped, so braces stay
    /// balanced and no value can close its field (a title with "}" or "%" is text, not syntax).
    static func bibtexEscaped(_ text: String) -> String {
        var out = ""
        for c in flattened(text) {
            switch c {
            case "\\": out += "\\textbackslash{}"
            case "{", "}", "%", "&", "$", "#", "_": out += "\\" + String(c)
            case "^": out += "\\^{}"
            case "~": out += "\\~{}"
            default: out.append(c)
            }
        }
        return out
    }
}
