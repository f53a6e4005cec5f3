import DailyPapersCore
import DailyPapersStore
import Foundation
import MCP

/// What each of `AssistantTool`'s tools does, for one request: the site's stores, and the member whose token
/// came with it (if any). Arguments that are wrong are thrown as invalid params (`MCPArguments`); a call that is
/// right but cannot be done (no such paper, a read-only token, a full collection) is answered as a tool error
/// (`isError`) with a sentence the assistant can act on, as the protocol separates the two.
struct MCPToolCalls: Sendable {
    let store: PaperStore
    let community: Community
    let site: SiteInfo
    let member: (account: Account, token: AccessTokenStore.Token)?
    let clientIP: String?

    /// How far lists go: deeper pages rank and sort many rows for an answer nobody reads.
    static let maximumDepth = 1_000

    var tools: [Tool] {
        AssistantTool.allCases.filter { member != nil || !$0.isMemberTool }.map(\.definition)
    }

    func call(name: String, arguments: [String: Value]?) async throws -> ToolAnswer {
        guard let tool = AssistantTool(rawValue: name) else {
            throw MCPError.invalidParams("There is no tool '\(String(name.prefix(60)))'; tools/list names them.")
        }
        let args = try MCPArguments(arguments, accepted: tool.arguments)
        do {
            switch tool {
            case .listPapers: return try await listPapers(args)
            case .searchPapers: return try await searchPapers(args)
            case .getPaper: return try await getPaper(args)
            case .readPaper: return try await readPaper(args)
            case .similarPapers: return try await similarPapers(args)
            case .listCollections: return try await listCollections(args)
            case .savePaper: return try await savePaper(args)
            }
        } catch let refusal as WebError {
            return Self.refusal(refusal.message)
        } catch let problem as CollectionStore.Problem {
            return Self.refusal(WebError.collection(problem).message)
        }
    }

    // MARK: Papers

    private func listPapers(_ args: MCPArguments) async throws -> ToolAnswer {
        let kind = try args.choice("period", ["day", "week", "month"], default: "day")
        let sort = FeedSort(rawValue: try args.choice("sort", FeedSort.allCases.map(\.rawValue), default: "upvotes")) ?? .upvotes
        let hasCode = try args.bool("has_code", default: false)
        let (offset, limit) = try page(args)
        let period: FeedPeriod
        if let date = try args.string("date", maxLength: 20) {
            do {
                period = switch kind {
                case "week": try FeedPeriod.parseWeek(date)
                case "month": try FeedPeriod.parseMonth(date)
                default: try FeedPeriod.parseDay(date)
                }
            } catch {
                throw MCPError.invalidParams("date: \(error.description) for the period '\(kind)'.")
            }
        } else {
            guard let latest = try await store.latestDay() else {
                return try Self.result(PaperList(period: nil, papers: [], nextOffset: nil))
            }
            period = switch kind {
            case "week": FeedPeriod.week(year: FeedPeriod.isoWeek(of: latest).year, week: FeedPeriod.isoWeek(of: latest).week)
            case "month": FeedPeriod.month(year: latest.year, month: latest.month)
            default: FeedPeriod.day(latest)
            }
        }
        // One more than asked tells whether there is a next page.
        var query = FeedQuery(period: period, sort: sort, offset: offset, limit: limit + 1)
        query.hasCode = hasCode
        let papers = try await store.featured(query)
        let lines = papers.prefix(limit).map { PaperLine($0.paper, featured: $0, site: site) }
        return try Self.result(PaperList(period: period.key, papers: Array(lines), nextOffset: next(offset, limit, papers.count)))
    }

    private func searchPapers(_ args: MCPArguments) async throws -> ToolAnswer {
        let query = try args.requiredString("query", maxLength: 500)
        var filters = SearchFilters()
        filters.featuredOnly = try args.bool("featured_only", default: false)
        filters.hasCode = try args.bool("has_code", default: false)
        if let category = try args.string("category", maxLength: 40) {
            guard ArxivCategory.isPlausible(category) else { throw MCPError.invalidParams("category: an arXiv category such as cs.LG.") }
            filters.category = category
        }
        filters.author = try args.string("author", maxLength: 100)
        filters.sort = SearchFilters.Sort(rawValue: try args.choice("sort", SearchFilters.Sort.allCases.map(\.rawValue), default: "relevance")) ?? .relevance
        let (offset, limit) = try page(args)
        filters.offset = offset
        filters.limit = min(limit + 1, Self.maximumDepth - offset)
        let hits = try await store.searchHits(query, filters: filters)
        let lines = hits.prefix(limit).map { PaperLine($0.record.paper, featured: $0.record.featured, site: site) }
        return try Self.result(PaperList(period: nil, papers: Array(lines), nextOffset: next(offset, limit, hits.count)))
    }

    private func getPaper(_ args: MCPArguments) async throws -> ToolAnswer {
        let record = try await paper(args)
        return try Self.result(PaperDetails(record, site: site))
    }

    private func readPaper(_ args: MCPArguments) async throws -> ToolAnswer {
        let format: PaperFormat = switch try args.choice("format", ["markdown", "bibtex", "ris", "csl-json"], default: "markdown") {
        case "bibtex": .bibtex
        case "ris": .ris
        case "csl-json": .cslJSON
        default: .markdown
        }
        let record = try await paper(args)
        return .text(format.text([record], site: site))
    }

    private func similarPapers(_ args: MCPArguments) async throws -> ToolAnswer {
        let limit = try args.integer("limit", default: 5, range: 1...20)
        let record = try await paper(args)
        let similar = try await store.similar(to: record.paper.id, limit: limit)
        let lines = similar.map { PaperLine($0.record.paper, featured: $0.record.featured, site: site,
                                            similarity: ($0.score * 1000).rounded() / 1000) }
        return try Self.result(PaperList(period: nil, papers: lines, nextOffset: nil))
    }

    // MARK: A member's papers

    private func listCollections(_ args: MCPArguments) async throws -> ToolAnswer {
        let account = try signedIn()
        let (offset, limit) = try page(args)
        let collections = community.collections
        guard let slug = try args.string("collection", maxLength: 40) else {
            let all = try await collections.collections(userID: account.id)
            let page = all.dropFirst(offset).prefix(limit).map(CollectionLine.init)
            return try Self.result(CollectionList(collections: Array(page), nextOffset: offset + limit < all.count ? offset + limit : nil))
        }
        let real = try await collections.slug(slug, userID: account.id)
        guard let c = try await collections.collection(slug: real, viewerID: account.id), c.ownerID == account.id else {
            return Self.refusal("You have no collection '\(slug)': list_collections without arguments names them.")
        }
        let items = try await collections.items(of: c, offset: offset, limit: limit + 1)
        let lines = items.prefix(limit).map { PaperLine($0.paper.paper, featured: $0.paper.featured, site: site, note: $0.note) }
        return try Self.result(CollectionPapers(collection: CollectionLine(c), papers: Array(lines),
                                                nextOffset: next(offset, limit, items.count)))
    }

    private func savePaper(_ args: MCPArguments) async throws -> ToolAnswer {
        let account = try signedIn()
        let slug = try args.string("collection", maxLength: 40) ?? CollectionAPIRoutes.savedSlug
        let note = try args.string("note", maxLength: CollectionStore.noteLength)
        let record = try await paper(args)
        guard member?.token.scope == .write else {
            return Self.refusal("This token may only read: the member can make a read-and-write token in Settings to save papers.")
        }
        try community.limiter.check(.collect, account: account.username, ip: clientIP)
        let collections = community.collections
        let real = try await collections.slug(slug, userID: account.id)
        let added = try await collections.add(userID: account.id, slug: real, paper: record.paper.id, note: note ?? "")
        return try Self.result(SaveAnswer(paper: record.paper.id.base, collection: slug, added: added))
    }

    // MARK: Shared parts

    private func signedIn() throws -> Account {
        guard let member else {
            throw WebError.forbidden("This tool needs the member's personal access token: connect with Authorization: Bearer <token> (made in Settings).")
        }
        return member.account
    }

    private func paper(_ args: MCPArguments) async throws -> PaperRecord {
        let text = try args.requiredString("id", maxLength: 200)
        guard let id = ArxivID(parsing: text) else {
            throw MCPError.invalidParams("id: '\(String(text.prefix(60)))' is not an arXiv id; ids look like 2412.01981 or hep-th/9901001.")
        }
        guard let record = try await store.paper(id) else {
            throw WebError.notFound("There is no paper \(id.base) on this site; search_papers finds papers by title or topic.")
        }
        return record
    }

    private func page(_ args: MCPArguments) throws(MCPError) -> (offset: Int, limit: Int) {
        let limit = try args.integer("limit", default: 10, range: 1...AssistantTool.maximumLimit)
        let offset = try args.integer("offset", default: 0, range: 0...(Self.maximumDepth - 1))
        return (offset, limit)
    }

    /// The next page's offset while there is one and it is within the depth lists go to.
    private func next(_ offset: Int, _ limit: Int, _ found: Int) -> Int? {
        found > limit && offset + limit < Self.maximumDepth ? offset + limit : nil
    }

    /// A result as structured content and, for clients that read only text, the same JSON as text.
    static func result<T: Encodable>(_ value: T) throws -> ToolAnswer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return .structured(try encoder.encode(value))
    }

    static func refusal(_ message: String) -> ToolAnswer { .refusal(message) }
}
