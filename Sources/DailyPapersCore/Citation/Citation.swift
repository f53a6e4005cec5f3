import Foundation

/// A paper as reference managers read it: BibTeX (arXiv's own `@misc` form), RIS and CSL-JSON files, and the
/// Highwire Press `citation_*` meta tags that Google Scholar and Zotero's browser connector read from a page.
/// Every value is text from elsewhere (arXiv, an import): each writer escapes or flattens what its format gives a
/// meaning to, so no title can end a field, start a record or break the file.
public enum Citation {
    /// An author's name split as reference formats want it: "Ashish Vaswani" -> Vaswani, Ashish; "van der Maaten,
    /// Laurens" as written; a lower-case particle before the last word stays with it ("Ludwig van Beethoven" ->
    /// "van Beethoven"); a name of one word (an organisation, a mononym) is its family name alone.
    public struct Name: Equatable, Sendable {
        public let family: String
        public let given: String?

        public init(_ written: String) {
            let name = Citation.flattened(written)
            if let comma = name.firstIndex(of: ",") {
                let family = name[..<comma].trimmingCharacters(in: .whitespaces)
                let given = name[name.index(after: comma)...].trimmingCharacters(in: .whitespaces)
                if !family.isEmpty {
                    self.family = family
                    self.given = given.isEmpty ? nil : given
                    return
                }
            }
            var words = name.split(separator: " ").map(String.init)
            guard words.count > 1 else {
                family = name
                given = nil
                return
            }
            var family = [words.removeLast()]
            while words.count > 1, let last = words.last, Self.particles.contains(last) { family.insert(words.removeLast(), at: 0) }
            self.family = family.joined(separator: " ")
            given = words.joined(separator: " ")
        }

        static let particles: Set<String> = ["van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "la", "le", "dos", "das", "ter", "ten", "bin", "ibn", "al"]
    }

    /// The day the paper appeared (its first version), if known.
    static func date(_ paper: Paper) -> CalendarDay? { (paper.firstVersionAt ?? paper.latestVersionAt).map(CalendarDay.init(utcOf:)) }

    /// Text on one line with single spaces: titles and abstracts come with line breaks from arXiv's listings.
    static func flattened(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
    }

    /// A key of letters and digits: the first author's family name, the year, the title's first long word
    /// ("vaswani2017attention", as arXiv and Google Scholar make them); the arXiv id's digits when a part is missing.
    static func key(_ paper: Paper) -> String {
        func ascii(_ text: String) -> String {
            String(text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
                .unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }.map(Character.init))
        }
        let family = paper.authors.first.map { ascii(Name($0.name).family) } ?? ""
        let word = flattened(paper.title).split(separator: " ").map { ascii(String($0)) }.first { $0.count >= 4 && !stopWords.contains($0) } ?? ""
        let year = date(paper).map { String($0.year) } ?? ""
        let key = family + year + word
        return family.isEmpty || word.isEmpty ? "arxiv" + paper.id.base.filter(\.isNumber) : key
    }

    static let stopWords: Set<String> = ["with", "from", "into", "that", "this", "towards", "toward", "what", "when", "your", "their", "using", "via"]

    /// Keys for several papers, made distinct (a second "smith2024learning" becomes "smith2024learninga").
    static func keys(_ papers: [Paper]) -> [String] {
        var used = Set<String>()
        return papers.map { paper in
            let base = key(paper)
            var key = base
            var suffix = UnicodeScalar("a").value
            while used.contains(key), suffix <= UnicodeScalar("z").value {
                key = base + String(UnicodeScalar(suffix)!)
                suffix += 1
            }
            if used.contains(key) { key = base + paper.id.base.filter(\.isNumber) }
            used.insert(key)
            return key
        }
    }
}
