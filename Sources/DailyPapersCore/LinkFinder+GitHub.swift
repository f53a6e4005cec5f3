extension LinkFinder {
    /// The `owner/name` of a GitHub repository URL (`https://github.com/Owner/Name/tree/main` gives `Owner/Name`),
    /// or nil for anything else. Both parts are checked against GitHub's own alphabet (letters, digits, `-`, `_`,
    /// `.`), so the pair is safe to put in an API path as it is.
    public static func gitHubRepository(_ url: String?) -> String? {
        guard let url = webURL(url), host(of: url) == "github.com" else { return nil }
        let segments = pathSegments(of: repositoryRoot(url))
        guard segments.count == 2 else { return nil }
        let owner = segments[0], name = segments[1]
        func valid(_ part: Substring, max: Int) -> Bool {
            !part.isEmpty && part.utf8.count <= max && part != "." && part != ".."
                && part.utf8.allSatisfy { b in
                    (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D || b == 0x5F || b == 0x2E
                }
        }
        guard valid(owner, max: 39), valid(name, max: 100) else { return nil }
        return "\(owner)/\(name)"
    }
}
