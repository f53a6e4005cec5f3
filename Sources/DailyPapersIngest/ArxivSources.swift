import DailyPapersCore
import Foundation

/// Where arXiv's services live. Overridable so tests (and mirrors) can point elsewhere.
public struct ArxivEndpoints: Sendable {
    public var api = "http://export.arxiv.org/api/query"
    public var oai = "https://oaipmh.arxiv.org/oai"
    public var listing = "https://rss.arxiv.org"
    public init() {}
}

/// The arXiv API (`/api/query`): by ids, by query, by category and submission dates, paging.
public struct ArxivAPIClient: Sendable {
    let http: PoliteHTTPClient
    let endpoints: ArxivEndpoints
    /// arXiv's own limit per page is 2000; smaller pages fail less often.
    public var pageSize = 100

    public init(http: PoliteHTTPClient, endpoints: ArxivEndpoints = ArxivEndpoints()) {
        self.http = http
        self.endpoints = endpoints
    }

    /// What a user's submission of an id uses. Unknown ids are simply absent from the result.
    public func papers(ids: [ArxivID]) async throws -> [Paper] {
        var out: [Paper] = []
        for start in stride(from: 0, to: ids.count, by: pageSize) {
            let chunk = ids[start..<min(start + pageSize, ids.count)].map(\.versioned).joined(separator: ",")
            out += try await page(["id_list": chunk, "max_results": "\(pageSize)"]).papers
        }
        return out
    }

    public func search(_ query: String, start: Int = 0, maxResults: Int = 100) async throws -> ArxivAtomReader.Page {
        try await page(["search_query": query, "start": "\(start)", "max_results": "\(maxResults)",
                        "sortBy": "submittedDate", "sortOrder": "descending"])
    }

    /// Every paper of a category submitted in a date range, page after page.
    public func category(_ category: String, from: CalendarDay, to: CalendarDay,
                         onPage: (ArxivAtomReader.Page) async throws -> Void) async throws {
        let range = "[\(from.iso.replacingOccurrences(of: "-", with: ""))0000 TO \(to.iso.replacingOccurrences(of: "-", with: ""))2359]"
        var start = 0
        while true {
            let page = try await search("cat:\(category) AND submittedDate:\(range)", start: start, maxResults: pageSize)
            try await onPage(page)
            start += page.papers.count + page.problems.count
            if page.papers.isEmpty && page.problems.isEmpty { break }
            if let total = page.totalResults, start >= total { break }
        }
    }

    func page(_ parameters: [String: String]) async throws -> ArxivAtomReader.Page {
        let url = endpoints.api + "?" + QueryEncoding.query(parameters)
        let response = try await http.get(url)
        do {
            // The API answers errors with HTTP 400 and an error feed; the reader turns that into its message.
            return try ArxivAtomReader.read(response.body)
        } catch {
            throw IngestError("\(url) (HTTP \(response.status)): \(error.message)")
        }
    }
}

/// OAI-PMH `ListRecords` with resumption tokens.
public struct OAIPMHClient: Sendable {
    let http: PoliteHTTPClient
    let endpoints: ArxivEndpoints
    public init(http: PoliteHTTPClient, endpoints: ArxivEndpoints = ArxivEndpoints()) {
        self.http = http
        self.endpoints = endpoints
    }

    /// Harvests from `resumptionToken` when given (a run that stopped mid-way), else from `from`.
    /// `onPage` runs after each page, with the token for the next one (nil at the end).
    public func harvest(set: String?, metadataPrefix: String = "arXiv", from: String?, resumptionToken: String? = nil,
                        onPage: (OAIPMHReader.Page) async throws -> Void) async throws {
        var token = resumptionToken
        var metadataPrefix = metadataPrefix
        repeat {
            var parameters = ["verb": "ListRecords"]
            if let token {
                parameters["resumptionToken"] = token
            } else {
                parameters["metadataPrefix"] = metadataPrefix
                if let set { parameters["set"] = set }
                if let from { parameters["from"] = from }
            }
            let url = endpoints.oai + "?" + QueryEncoding.query(parameters)
            let response = try await http.get(url)
            let page: OAIPMHReader.Page
            do { page = try OAIPMHReader.read(response.body) } catch {
                // A server that does not offer arXiv's own formats still speaks Dublin Core.
                if token == nil, metadataPrefix != "oai_dc", error.message.contains("cannotDisseminateFormat") {
                    metadataPrefix = "oai_dc"
                    continue
                }
                throw IngestError("\(url) (HTTP \(response.status)): \(error.message)")
            }
            try await onPage(page)
            token = page.resumptionToken
        } while token != nil
    }

    /// arXiv's set for a category: cs.LG -> cs:cs:LG, math.AG -> math:math:AG, quant-ph -> physics:quant-ph.
    /// A value that already looks like a set (has a colon) is used as given.
    public static func setSpec(forCategory category: String) -> String {
        if category.contains(":") { return category }
        let parts = category.split(separator: ".", maxSplits: 1).map(String.init)
        let groups = ["cs", "math", "stat", "q-bio", "q-fin", "eess", "econ"]
        if groups.contains(parts[0]) {
            return parts.count == 2 ? "\(parts[0]):\(parts[0]):\(parts[1])" : parts[0]
        }
        return parts.count == 2 ? "physics:\(parts[0]):\(parts[0]):\(parts[1])" : "physics:\(parts[0])"
    }
}

/// The daily listing feeds.
public struct ArxivListingClient: Sendable {
    let http: PoliteHTTPClient
    let endpoints: ArxivEndpoints
    public init(http: PoliteHTTPClient, endpoints: ArxivEndpoints = ArxivEndpoints()) {
        self.http = http
        self.endpoints = endpoints
    }

    public func listing(_ category: String) async throws -> ArxivListingReader.Listing {
        let url = "\(endpoints.listing)/rss/\(QueryEncoding.encode(category))"
        let response = try await http.get(url)
        guard response.status == 200 else { throw IngestError("\(url): HTTP \(response.status)") }
        do { return try ArxivListingReader.read(response.body) } catch {
            throw IngestError("\(url): \(error.message)")
        }
    }
}

enum QueryEncoding {
    // ASCII only: CharacterSet.alphanumerics would let non-ASCII letters through unencoded.
    static let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:,")
    static func encode(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s }

    /// `a=1&b=x%20y`, names sorted so the same request is always the same URL (logs, caches, tests).
    static func query(_ parameters: [String: String]) -> String {
        parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(encode($0.value))" }.joined(separator: "&")
    }
}
