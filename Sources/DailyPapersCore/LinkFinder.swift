import Foundation

/// Finds a code repository and a project page among the URLs an author wrote into the abstract
/// or the comment ("Code: https://github.com/...", "Project page: https://...").
public enum LinkFinder {
    static let codeHosts = ["github.com", "gitlab.com", "bitbucket.org", "codeberg.org"]
    // Hosts that are never a paper's project page: the paper itself, DOIs, licences, model hubs.
    static let notProjectHosts = ["arxiv.org", "doi.org", "creativecommons.org", "openreview.net", "huggingface.co"]

    public static func links(in texts: [String]) -> (code: String?, projectPage: String?) {
        var code: String?
        var project: String?
        for text in texts {
            for url in urls(in: text) {
                guard let host = host(of: url) else { continue }
                if codeHosts.contains(host) {
                    // A repository is owner/name; a bare profile page is not code.
                    if code == nil, pathSegments(of: url).count >= 2 { code = repositoryRoot(url) }
                } else if project == nil, !notProjectHosts.contains(where: { host == $0 || host.hasSuffix("." + $0) }) {
                    project = url
                }
            }
        }
        return (code, project)
    }

    /// `text` if it is an absolute http or https URL with a host and nothing a link must not hold (white
    /// space, controls, quotes, angle brackets); nil otherwise. Every link built from imported data passes here.
    public static func webURL(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), text.utf8.count <= 2048,
              hasWebScheme(text) else { return nil }
        for s in text.unicodeScalars {
            // ASCII is decided by value: every card of every page asks, and Unicode properties cost a table look-up.
            if s.value < 0x80 {
                if s.value <= 0x20 || s.value == 0x7F || "<>\"'`\\".unicodeScalars.contains(s) { return nil }
            } else if s.properties.isWhitespace || s.properties.generalCategory == .control {
                return nil
            }
        }
        guard let host = host(of: text), !host.isEmpty, !host.hasPrefix("@") else { return nil }
        return text
    }

    /// `http://` or `https://` in any case.
    static func hasWebScheme(_ text: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        for expected in "http".utf8 {
            guard let b = bytes.next(), b | 0x20 == expected else { return false }
        }
        var next = bytes.next()
        if next.map({ $0 | 0x20 }) == UInt8(ascii: "s") { next = bytes.next() }
        return next == UInt8(ascii: ":") && bytes.next() == UInt8(ascii: "/") && bytes.next() == UInt8(ascii: "/")
    }

    /// `http(s)://...` runs, with trailing punctuation of the surrounding sentence removed. Scans the UTF-8
    /// bytes for `http://` or `https://` in any case (every card of every page asks, so no Foundation search).
    public static func urls(in text: String) -> [String] {
        var result: [String] = []
        let utf8 = text.utf8
        var i = utf8.startIndex
        func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }
        func matches(_ word: String, at start: String.UTF8View.Index) -> String.UTF8View.Index? {
            var j = start
            for w in word.utf8 {
                guard j < utf8.endIndex, lower(utf8[j]) == w else { return nil }
                j = utf8.index(after: j)
            }
            return j
        }
        while let h = utf8[i...].firstIndex(where: { $0 == UInt8(ascii: "h") || $0 == UInt8(ascii: "H") }) {
            guard matches("https://", at: h) != nil || matches("http://", at: h) != nil else {
                i = utf8.index(after: h)
                continue
            }
            let tail = text[h...]
            let end = tail.firstIndex(where: { $0.isWhitespace || "<>\"'{}|\\^`".contains($0) }) ?? tail.endIndex
            var url = String(tail[..<end])
            while let last = url.last, ".,;:)]!?".contains(last) {
                // Keep a closing parenthesis that closes one opened inside the URL.
                if last == ")" && url.filter({ $0 == "(" }).count >= url.filter({ $0 == ")" }).count { break }
                url.removeLast()
            }
            if url.count > "https://".count { result.append(url) }
            i = end == tail.endIndex ? utf8.endIndex : end
            if i == h { i = utf8.index(after: h) }
        }
        return result
    }

    static func host(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let afterScheme = url[schemeEnd.upperBound...]
        let host = afterScheme.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" && $0 != ":" })
        return host.isEmpty ? nil : host.lowercased().replacingOccurrences(of: "www.", with: "")
    }

    static func pathSegments(of url: String) -> [Substring] {
        guard let schemeEnd = url.range(of: "://") else { return [] }
        let afterScheme = url[schemeEnd.upperBound...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return [] }
        return afterScheme[slash...].split(separator: "/").filter { !$0.isEmpty }
    }

    /// `https://github.com/owner/name/tree/main/x` -> `https://github.com/owner/name`
    static func repositoryRoot(_ url: String) -> String {
        let segments = pathSegments(of: url)
        guard let schemeEnd = url.range(of: "://"), segments.count >= 2 else { return url }
        let scheme = url[..<schemeEnd.lowerBound]
        let host = url[schemeEnd.upperBound...].prefix(while: { $0 != "/" })
        var name = String(segments[1])
        if name.hasSuffix(".git") { name.removeLast(4) }
        return "\(scheme)://\(host)/\(segments[0])/\(name)"
    }
}
