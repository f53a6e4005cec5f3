extension Citation {
    /// RIS records (EndNote, Zotero, Mendeley, RefWorks): `UNPB` (unpublished work, what a preprint is), one tag a
    /// line, every value on one line so none can start a tag of its own.
    public static func ris(_ papers: [Paper]) -> String {
        papers.map { paper in
            var lines = [("TY", "UNPB"), ("TI", paper.title)]
            for author in paper.authors {
                let name = Name(author.name)
                lines.append(("AU", name.given.map { "\(name.family), \($0)" } ?? name.family))
            }
            if let day = date(paper) {
                lines.append(("PY", String(day.year)))
                lines.append(("DA", "\(day.year)/\(CalendarDay.pad(day.month, 2))/\(CalendarDay.pad(day.day, 2))"))
            }
            lines.append(("AB", paper.abstract))
            lines.append(("UR", paper.links.abstract))
            lines.append(("L1", paper.links.pdf))
            if let doi = paper.doi, !doi.isEmpty { lines.append(("DO", doi)) }
            lines.append(("AN", "arXiv:" + paper.id.base))
            lines.append(("DB", "arXiv"))
            for category in paper.categories { lines.append(("KW", category)) }
            return lines.map { "\($0)  - \(flattened($1))\r\n" }.joined() + "ER  - \r\n"
        }.joined(separator: "\r\n")
    }
}
