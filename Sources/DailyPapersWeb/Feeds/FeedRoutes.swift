import DailyPapersCore
import DailyPapersStore
import Hummingbird

/// `/feeds/daily.atom`, `/feeds/trending.rss`, `/feeds/category/cs.LG.json`, `/feeds/search.atom?q=...`,
/// `/feeds/user/lievan.atom`, `/feeds/collection/SLUG.atom` (a public collection): each in Atom, RSS and JSON Feed.
struct FeedRoutes: Sendable {
    let store: PaperStore
    let users: UserStore
    let collections: CollectionStore
    let limiter: RateLimiter
    let site: SiteInfo
    let cache: ResponseCache
    let trendingWindowDays: Int
    static let size = 50

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.feed.pattern) { req, ctx in
            let (name, format) = try Self.split(try ctx.parameters.require("file"))
            switch name {
            case "daily": return try await serve("daily", format, req) { try await daily() }
            case "trending": return try await serve("trending", format, req, counts: { _ in .everything }) { try await trending() }
            case "search":
                let typed = (req.query["q"] ?? "").trimmingCharacters(in: .whitespaces)
                guard typed.count <= 500 else { throw WebError.badRequest("The search query is longer than 500 characters.") }
                // Keyed and titled by the canonical query: spellings of the same search share one cache entry.
                guard let q = SearchQuery(typed)?.normalized else {
                    throw WebError.badRequest("Give the words to search for: /feeds/search.\(format.rawValue)?q=diffusion")
                }
                let featuredOnly = SearchParameters.isOn(req.query["featured"])
                return try await serve("search|\(featuredOnly ? "f" : "a")|\(q)", format, req) { try await search(q, featuredOnly: featuredOnly) }
            default:
                throw WebError.notFound("No feed '\(name)'. Feeds: daily, trending, search, category/CATEGORY, user/USERNAME.")
            }
        }
        router.get(Route.categoryFeed.pattern) { req, ctx in
            let (category, format) = try Self.split(try ctx.parameters.require("file"))
            guard ArxivCategory.isPlausible(category) else {
                throw WebError.badRequest("'\(category)' is not an arXiv category such as cs.LG.")
            }
            return try await serve("category|\(category)", format, req) {
                guard try await store.categoryExists(category) else { throw WebError.notFound("No papers in category '\(category)' here.") }
                return FeedDocument(title: "\(site.name): \(category)", subtitle: "Papers in \(category) featured on \(site.name).",
                                    basePath: Route.categoryFeed.path(category), htmlPath: Route.papers.path(),
                                    items: try await store.featured(FeedQuery(sort: .newest, category: category, limit: Self.size)), site: site)
            }
        }
        router.get(Route.arrivalsFeed.pattern) { req, ctx in
            let (category, format) = try Self.split(try ctx.parameters.require("file"))
            guard category == "all" || ArxivCategory.isPlausible(category) else {
                throw WebError.badRequest("'\(category)' is not an arXiv category such as cs.LG (or all).")
            }
            return try await serve("new|\(category)", format, req) {
                let page = try await store.arrivals(category: category == "all" ? nil : category, day: nil, offset: 0, limit: 500)
                let label = category == "all" ? "every category" : category
                return FeedDocument(title: "\(site.name): new in \(label)", subtitle: "Papers announced in \(label) on the latest day, as this instance received them.",
                                    basePath: Route.arrivalsFeed.path(category), htmlPath: ArrivalsPageView.path(category: category == "all" ? nil : category, day: nil),
                                    records: page.items.map(\.record), site: site)
            }
        }
        router.get(Route.collectionFeed.pattern) { _, ctx in
            // Read whole (up to a thousand papers) on every request: counted like the collection's exports.
            try limiter.check(.ranking, account: nil, ip: ctx.clientIP)
            return try await collection(try ctx.parameters.require("file"))
        }
        router.get(Route.userFeed.pattern) { req, ctx in
            let (username, format) = try Self.split(try ctx.parameters.require("file"))
            guard username.count <= 100 else { throw WebError.badRequest("The username is longer than 100 characters.") }
            return try await serve("user|\(username)", format, req) {
                guard try await users.user(username: username) != nil else {
                    throw WebError.notFound("No user '\(username)' here.")
                }
                return FeedDocument(title: "\(site.name): submitted by \(username)", subtitle: "Papers \(username) submitted to \(site.name).",
                                    basePath: Route.userFeed.path(username), htmlPath: Route.papers.path(),
                                    items: try await store.featured(FeedQuery(sort: .newest, submitter: username, limit: Self.size)), site: site)
            }
        }
    }

    /// A public collection's papers, the latest added first. Made per request (a collection changes whenever its
    /// member edits it; the file is small), and kept by readers' caches for a minute.
    func collection(_ file: String) async throws -> Response {
        let (slug, format) = try Self.split(file)
        guard let c = try await collections.collection(slug: slug, viewerID: nil) else {
            throw WebError.notFound("There is no public collection '\(String(slug.prefix(20)))' here.")
        }
        let items = try await collections.items(of: c).sorted { $0.addedAt > $1.addedAt }.prefix(Self.size)
        let feed = FeedDocument(title: "\(site.name): \(c.name) (@\(c.owner))",
                                subtitle: c.description.isEmpty ? "Papers @\(c.owner) keeps in “\(c.name)”." : c.description,
                                basePath: Route.collectionFeed.path(c.slug), htmlPath: Route.collection.path(c.slug),
                                records: items.map(\.paper), site: site)
        var response = Responses.text(try format.render(feed), contentType: format.contentType)
        response.headers[.cacheControl] = "public, max-age=60"
        return response
    }

    func daily() async throws -> FeedDocument {
        FeedDocument(title: "\(site.name): daily papers", subtitle: "The papers featured each day, newest first.",
                     basePath: Route.feed.path("daily"), htmlPath: Route.papers.path(),
                     items: try await store.featured(FeedQuery(sort: .newest, limit: Self.size)), site: site)
    }

    func trending() async throws -> FeedDocument {
        FeedDocument(title: "\(site.name): trending", subtitle: "The papers trending now.",
                     basePath: Route.feed.path("trending"), htmlPath: SiteRoute.latest(sort: .trending).path,
                     items: try await store.featured(FeedQuery(sort: .trending, trendingWindowDays: trendingWindowDays, limit: 30)), site: site)
    }

    /// Papers matching `q`, best first: every paper the instance holds, or only the feed's.
    func search(_ q: String, featuredOnly: Bool) async throws -> FeedDocument {
        let hits = try await store.searchHits(q, filters: SearchFilters(featuredOnly: featuredOnly, limit: Self.size))
        var feed = FeedDocument(title: "\(site.name): “\(q)”", subtitle: (featuredOnly ? "Featured papers" : "Papers") + " matching “\(q)”.",
                                basePath: Route.feed.path("search"), htmlPath: SiteRoute.search(query: q).path, query: q,
                                records: hits.map(\.record), site: site)
        feed.featuredOnly = featuredOnly
        return feed
    }

    /// `counts`: which counts the feed shows; all but trending list their papers in an order counts cannot change.
    private func serve(_ key: String, _ format: FeedFormat, _ request: Request,
                       counts: @escaping @Sendable (FeedDocument) -> CountsScope = { .shown($0.items.compactMap(\.featured)) },
                       _ make: @escaping @Sendable () async throws -> FeedDocument) async throws -> Response {
        let entry = try await cache.entry("feed|\(key)|\(format.rawValue)", contentType: format.contentType) {
            let feed = try await make()
            return .init(text: try format.render(feed), lastModified: feed.items.isEmpty ? nil : feed.updated, counts: counts(feed))
        }
        return Responses.cached(entry, request: request, maxAge: 300)
    }

    /// "cs.LG.atom" -> ("cs.LG", .atom)
    static func split(_ file: String) throws -> (String, FeedFormat) {
        guard let dot = file.lastIndex(of: "."), let format = FeedFormat(rawValue: String(file[file.index(after: dot)...])),
              dot != file.startIndex else {
            throw WebError.notFound("Feeds end in .atom, .rss or .json, e.g. /feeds/daily.atom.")
        }
        return (String(file[..<dot]), format)
    }
}
