import DailyPapersCore
import DailyPapersStore

/// One syndication feed, independent of its format.
struct FeedDocument: Sendable {
    var title: String
    var subtitle: String
    /// Path of this feed without extension, e.g. `/feeds/category/cs.LG`.
    var basePath: String
    /// The page the feed mirrors, e.g. `/papers`.
    var htmlPath: String
    /// A search feed's words, part of its own URL.
    var query: String? = nil
    /// A search feed kept to the feed's papers (`featured=1`), also part of its URL.
    var featuredOnly = false
    /// The feed's papers: featured ones, or for a search feed any paper found.
    var items: [PaperRecord]
    var site: SiteInfo

    init(title: String, subtitle: String, basePath: String, htmlPath: String, query: String? = nil,
         items: [FeaturedPaper], site: SiteInfo) {
        self.init(title: title, subtitle: subtitle, basePath: basePath, htmlPath: htmlPath, query: query,
                  records: items.map(PaperRecord.featured), site: site)
    }

    init(title: String, subtitle: String, basePath: String, htmlPath: String, query: String? = nil,
         records items: [PaperRecord], site: SiteInfo) {
        self.title = title
        self.subtitle = subtitle
        self.basePath = basePath
        self.htmlPath = htmlPath
        self.query = query
        self.items = items
        self.site = site
    }

    /// The newest item's submission time; a feed with no items is as old as the epoch of Trending.
    var updated: Timestamp { items.map(\.published).max() ?? Trending.epoch }

    func url(_ format: FeedFormat) -> String {
        site.publicURL + basePath + "." + format.rawValue + (query.map { "?q=" + SiteRoute.percentEncode($0) } ?? "")
            + (featuredOnly ? "&featured=1" : "")
    }
    func paperURL(_ r: PaperRecord) -> String { site.publicURL + SiteRoute.paper(r.paper.id).path }
}

extension PaperRecord {
    /// When a feed says it appeared: when it reached the feed, else when its first version did.
    var published: Timestamp {
        featured?.submittedAt ?? paper.firstVersionAt ?? paper.latestVersionAt ?? Trending.epoch
    }

    /// A feed entry's text: the counts (for a featured paper), then the abstract.
    var feedContent: String {
        guard let f = featured else { return paper.abstract }
        return "\(f.upvotes) upvotes · \(f.numComments) comments\n\n\(paper.abstract)"
    }
}

enum FeedFormat: String, CaseIterable, Sendable {
    case atom, rss, json

    var contentType: String {
        switch self {
        case .atom: return "application/atom+xml; charset=utf-8"
        case .rss: return "application/rss+xml; charset=utf-8"
        case .json: return "application/feed+json; charset=utf-8"
        }
    }

    /// The MIME type in autodiscovery links.
    var linkType: String {
        switch self {
        case .atom: return "application/atom+xml"
        case .rss: return "application/rss+xml"
        case .json: return "application/feed+json"
        }
    }

    func render(_ feed: FeedDocument) throws -> String {
        switch self {
        case .atom: return AtomFeedWriter.render(feed)
        case .rss: return RSSFeedWriter.render(feed)
        case .json: return try JSONFeedWriter.render(feed)
        }
    }
}

enum XMLText {
    /// Escaped text with the characters XML 1.0 forbids (C0 controls but tab, newline, return) removed.
    static func escape(_ s: String) -> String {
        let cleaned = s.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" }
            ? String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }))
            : s
        return HTML.escaped(cleaned)
    }
}
