import DailyPapersCore
import DailyPapersIngest
import DailyPapersMail
import Foundation

/// What the fuzzer feeds: every parser that reads bytes from outside. Each target takes any bytes; a
/// crash, a trap or a broken invariant is a finding (and becomes a test).
enum FuzzTarget: String, CaseIterable {
    case hfJSON = "hf-json"
    case arxivAtom = "arxiv-atom"
    case oaiPMH = "oai-pmh"
    case listing
    case jsonLines = "json-lines"
    case comment
    case searchQuery = "search-query"
    case mailAddress = "mail-address"

    func run(_ data: Data) {
        switch self {
        case .hfJSON: _ = try? HFDailyPapersReader.read(data, fileName: "2024-12-04.json")
        case .arxivAtom: _ = try? ArxivAtomReader.read(data)
        case .oaiPMH: _ = try? OAIPMHReader.read(data)
        case .listing: _ = try? ArxivListingReader.read(data)
        case .jsonLines: _ = try? ArxivJSONLReader.paper(fromLine: data)
        case .comment: Self.checkComment(String(decoding: data, as: UTF8.self))
        case .searchQuery: Self.checkSearchQuery(String(decoding: data, as: UTF8.self))
        case .mailAddress:
            let text = String(decoding: data, as: UTF8.self)
            if let address = try? MailAddress(text) {
                // An accepted address can never smuggle a header or a second recipient.
                guard !address.address.unicodeScalars.contains(where: { "\r\n,<>\u{0}".unicodeScalars.contains($0) }) else {
                    fatalError("accepted address holds a separator: \(address.address.debugDescription)")
                }
            }
        }
    }

    /// The renderer's promise: no tag or attribute it did not write, whatever was typed. Read as bytes: a
    /// combining mark typed after a tag would join its `>` in one Swift Character.
    static func checkComment(_ text: String) {
        let html = Array(CommentMarkdown.render(text).utf8)
        let plain: Set<String> = ["<p>", "</p>", "<br>", "<em>", "</em>", "<strong>", "</strong>", "<code>", "</code>", "<pre>", "</pre>",
                                  "<ul>", "</ul>", "<ol>", "</ol>", "<li>", "</li>", "<blockquote>", "</blockquote>", "</a>"]
        var i = 0
        while let open = html[i...].firstIndex(of: UInt8(ascii: "<")) {
            guard let close = html[open...].firstIndex(of: UInt8(ascii: ">")) else { fatalError("unclosed tag in \(text.debugDescription)") }
            let tag = String(decoding: html[open...close], as: UTF8.self)
            if !plain.contains(tag) {
                let prefix = "<a href=\"", suffix = "\" rel=\"\(CommentMarkdown.linkRel)\">"
                let url = tag.hasPrefix(prefix) && tag.hasSuffix(suffix) ? String(tag.dropFirst(prefix.count).dropLast(suffix.count)) : ""
                // By bytes: a combining mark after `//` joins the slash in one Swift Character.
                let lower = Array(url.lowercased().utf8)
                guard ["http://", "https://", "mailto:"].contains(where: { lower.starts(with: $0.utf8) }), !url.utf8.contains(UInt8(ascii: "\"")),
                      !url.unicodeScalars.contains(where: \.properties.isWhitespace) else {
                    fatalError("unexpected markup \(tag.debugDescription) from \(text.debugDescription)")
                }
            }
            i = close + 1
        }
    }

    /// Whatever is typed becomes words, phrases and prefixes of letters and digits only; prefixes start something.
    static func checkSearchQuery(_ text: String) {
        guard let query = SearchQuery(text) else { return }
        for term in query.parts {
            guard !term.words.isEmpty, term.words.allSatisfy({ word in !word.isEmpty && !word.unicodeScalars.contains { "\"'*:&|!()<>\\".unicodeScalars.contains($0) } }) else {
                fatalError("a term holds query syntax: \(term.words)")
            }
        }
        _ = SearchQuery(query.normalized)
        for starts in query.indexPrefixes where starts.isEmpty || starts.contains(where: \.isEmpty) { fatalError("an empty prefix from \(text)") }
    }
}
