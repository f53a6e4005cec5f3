import DailyPapersCore

/// Atom 1.0 (RFC 4287). Entry ids are the papers' permanent URLs on this site.
enum AtomFeedWriter {
    static func render(_ feed: FeedDocument) -> String {
        let e = XMLText.escape
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        out += "<id>\(e(feed.url(.atom)))</id>\n<title>\(e(feed.title))</title>\n<subtitle>\(e(feed.subtitle))</subtitle>\n"
        out += "<updated>\(feed.updated.iso8601)</updated>\n"
        out += "<link rel=\"self\" type=\"application/atom+xml\" href=\"\(e(feed.url(.atom)))\"/>\n"
        out += "<link rel=\"alternate\" type=\"text/html\" href=\"\(e(feed.site.publicURL + feed.htmlPath))\"/>\n"
        out += "<generator>Daily Papers</generator>\n"
        for f in feed.items {
            let p = f.paper
            out += "<entry>\n<id>\(e(feed.paperURL(f)))</id>\n<title>\(e(p.title))</title>\n"
            out += "<published>\(f.published.iso8601)</published>\n<updated>\(f.published.iso8601)</updated>\n"
            out += "<link rel=\"alternate\" type=\"text/html\" href=\"\(e(feed.paperURL(f)))\"/>\n"
            out += "<link rel=\"related\" type=\"application/pdf\" href=\"\(e(p.links.pdf))\"/>\n"
            for a in p.authors where !a.hidden { out += "<author><name>\(e(a.name))</name></author>\n" }
            if p.authors.isEmpty { out += "<author><name>Unknown</name></author>\n" }
            for c in p.categories { out += "<category term=\"\(e(c))\"/>\n" }
            out += "<summary type=\"text\">\(e(p.abstract))</summary>\n"
            out += "<content type=\"text\">\(e(f.feedContent))</content>\n"
            out += "</entry>\n"
        }
        out += "</feed>\n"
        return out
    }
}

/// RSS 2.0 with Dublin Core creators (RSS's own `author` must be an e-mail address).
enum RSSFeedWriter {
    static func render(_ feed: FeedDocument) -> String {
        let e = XMLText.escape
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        out += "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n"
        out += "<title>\(e(feed.title))</title>\n<link>\(e(feed.site.publicURL + feed.htmlPath))</link>\n"
        out += "<description>\(e(feed.subtitle))</description>\n<lastBuildDate>\(feed.updated.rfc2822)</lastBuildDate>\n"
        out += "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"\(e(feed.url(.rss)))\"/>\n<generator>Daily Papers</generator>\n"
        for f in feed.items {
            let p = f.paper
            out += "<item>\n<title>\(e(p.title))</title>\n<link>\(e(feed.paperURL(f)))</link>\n"
            out += "<guid isPermaLink=\"true\">\(e(feed.paperURL(f)))</guid>\n<pubDate>\(f.published.rfc2822)</pubDate>\n"
            for a in p.authors where !a.hidden { out += "<dc:creator>\(e(a.name))</dc:creator>\n" }
            for c in p.categories { out += "<category>\(e(c))</category>\n" }
            out += "<description>\(e(p.abstract))</description>\n</item>\n"
        }
        out += "</channel>\n</rss>\n"
        return out
    }
}

/// JSON Feed 1.1 (https://jsonfeed.org/version/1.1).
enum JSONFeedWriter {
    struct Feed: Encodable {
        var version = "https://jsonfeed.org/version/1.1"
        var title: String
        var description: String
        var home_page_url: String
        var feed_url: String
        var items: [Item]
    }
    struct Item: Encodable {
        var id: String
        var url: String
        var external_url: String
        var title: String
        var content_text: String
        var summary: String
        var date_published: String
        var date_modified: String
        var authors: [Person]
        var tags: [String]?
    }
    struct Person: Encodable { var name: String }

    static func render(_ feed: FeedDocument) throws -> String {
        let doc = Feed(
            title: feed.title, description: feed.subtitle, home_page_url: feed.site.publicURL + feed.htmlPath,
            feed_url: feed.url(.json),
            items: feed.items.map { f in
                Item(id: feed.paperURL(f), url: feed.paperURL(f), external_url: f.paper.links.abstract, title: f.paper.title,
                     content_text: f.paper.abstract, summary: TextHelpers.excerpt(f.paper.abstract, limit: 280),
                     date_published: f.published.iso8601, date_modified: f.published.iso8601,
                     authors: f.paper.authors.filter { !$0.hidden }.map { Person(name: $0.name) },
                     tags: f.paper.categories.isEmpty ? nil : f.paper.categories)
            })
        return try Responses.jsonString(doc)
    }
}
