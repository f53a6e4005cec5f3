import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The JSON API, drop-in compatible with Hugging Face's papers API.
struct APIRoutes: Sendable {
    let store: PaperStore
    let cache: ResponseCache
    let trendingWindowDays: Int
    /// The site's absolute base, for the URLs the API hands out (a `Link` header's next page).
    let publicURL: String

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.apiDailyPapers.pattern) { req, _ in try await dailyPapers(req) }
        router.get(Route.apiSearch.pattern) { req, _ in try await search(req) }
        router.get(Route.apiPapers.pattern) { req, _ in try await papers(req) }
        router.get(Route.apiPaper.pattern) { req, ctx in try await paper(try ctx.parameters.require("id"), req) }
        router.get(Route.apiSimilar.pattern) { req, ctx in try await similar(try ctx.parameters.require("id"), req) }
        router.get(Route.apiOldStyleSimilar.pattern) { req, ctx in
            try await similar("\(try ctx.parameters.require("id"))/\(try ctx.parameters.require("number"))", req)
        }
        router.get(Route.apiOldStylePaper.pattern) { req, ctx in
            try await paper("\(try ctx.parameters.require("id"))/\(try ctx.parameters.require("number"))", req)
        }
    }

    func dailyPapers(_ request: Request) async throws -> Response {
        let params: DailyPapersParameters
        do { params = try DailyPapersParameters.parse(request.query) } catch { throw WebError.badRequest(error.message) }
        var q = params.query
        q.trendingWindowDays = trendingWindowDays
        let key = "api|\(q.period?.key ?? "-")|\(q.sort.rawValue)|\(q.submitter ?? "")|\(q.offset)|\(q.limit)"
        let query = q
        let entry = try await cache.entry(key, contentType: "application/json; charset=utf-8") {
            let papers = try await store.featured(query)
            // A period's papers in an order counts may change; the newest of all, or of one submitter, in one they cannot.
            let counts: CountsScope = query.period != nil ? .feed(query.period) : query.sort == .newest ? .shown(papers) : .everything
            return .init(text: try Responses.jsonString(papers.map(HFDailyItem.init)), counts: counts)
        }
        return Responses.cached(entry, request: request)
    }

    func paper(_ rawID: String, _ request: Request) async throws -> Response {
        let id = try WebError.arxivID(rawID)
        let entry = try await cache.entry("api-paper|\(id.base)", contentType: "application/json; charset=utf-8") {
            guard let record = try await store.paper(id) else { throw WebError.notFound("Paper \(id.base) not found") }
            return .init(text: try Responses.jsonString(HFPaper(record.paper, featured: record.featured)), counts: .papers([id.base]))
        }
        return Responses.cached(entry, request: request)
    }

    /// Every paper the instance holds, newest first (`PaperStore.listPapers`), as Hugging Face's paper objects;
    /// `limit` 1-100 (default 50), and the next page's URL in a `Link: <...>; rel="next"` header (as the Hub's
    /// lists give theirs) while a page is full. The cursor is opaque: the base64url of the last id.
    func papers(_ request: Request) async throws -> Response {
        let limit = try DailyPapersParameters.integer(request.query, "limit", default: 50, range: 1...100)
        var after: ArxivID?
        if let cursor = request.query["cursor"], !cursor.isEmpty {
            guard cursor.utf8.count <= 64, let bytes = Base64URL.decode(cursor), let decoded = String(data: bytes, encoding: .utf8),
                  let id = ArxivID(parsing: decoded), id.version == nil, id.base == decoded else {
                throw WebError.badRequest("cursor: not one this API gave; start without it and follow the Link header.")
            }
            after = id
        }
        // Not kept in the response cache: a page is three reads of the primary key's order, however deep.
        let records = try await store.listPapers(after: after, limit: limit)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=60"]
        // The next page starts after this one's last paper, while pages are full.
        if records.count == limit, let last = records.last {
            headers[HTTPField.Name("Link")!] = "<\(publicURL)\(Route.apiPapers.path())?cursor=\(Base64URL.encode(Data(last.paper.id.base.utf8)))&limit=\(limit)>; rel=\"next\""
        }
        let body = try Responses.jsonString(records.map { HFPaper($0.paper, featured: $0.featured) })
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A paper's nearest papers by tf-idf cosine over title and abstract: HF's paper objects, each with
    /// its `similarity` (0-1). `limit` 1-50, default 10.
    func similar(_ rawID: String, _ request: Request) async throws -> Response {
        let id = try WebError.arxivID(rawID)
        var limit = 10
        if let text = request.query["limit"] {
            guard let n = Int(text), (1...50).contains(n) else { throw WebError.badRequest("limit: a number from 1 to 50, got '\(text)'") }
            limit = n
        }
        let count = limit
        let entry = try await cache.entry("api-similar|\(id.base)|\(count)", contentType: "application/json; charset=utf-8") {
            guard try await store.paper(id) != nil else { throw WebError.notFound("Paper \(id.base) not found") }
            let similar = try await store.similar(to: id, limit: count)
            return .init(text: try Responses.jsonString(similar.map {
                HFSimilarPaper(paper: HFPaper($0.record.paper, featured: $0.record.featured), similarity: ($0.score * 1000).rounded() / 1000)
            }), counts: .papers(similar.map { $0.record.paper.id.base }))
        }
        return Responses.cached(entry, request: request)
    }

    /// Ranked search in HF's shape (a list of daily-papers items); the search page's filters work here too.
    func search(_ request: Request) async throws -> Response {
        let q = request.query
        guard let text = q["q"], !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw WebError.badRequest("q: give the words to search for, e.g. /api/papers/search?q=diffusion")
        }
        guard text.count <= 500 else { throw WebError.badRequest("q: longer than 500 characters") }
        let parameters: SearchParameters
        do { parameters = try SearchParameters.parse(q) } catch { throw WebError.badRequest(error.message) }
        // The answer does not echo the query: spellings of one search share one cached answer until the content changes.
        let key = "api-search|\(SearchQuery(text)?.normalized ?? "")|\(parameters.filters.key)"
        let entry = try await cache.entry(key, contentType: "application/json; charset=utf-8") {
            let hits = try await store.searchHits(text, filters: parameters.filters)
            return .init(text: try Responses.jsonString(hits.map { HFDailyItem($0.record) }), counts: .search(parameters.filters, hits))
        }
        return Responses.cached(entry, request: request)
    }
}
