import MCP

/// The tools `/mcp` offers an assistant, declared once: name, what it is for (written for the model that picks
/// tools: when to use it, what comes back, how to get more), its input schema and hints. The calls are in
/// `MCPToolCalls`; member tools are listed only to a client that connected with a personal access token.
enum AssistantTool: String, CaseIterable, Sendable {
    case listPapers = "list_papers"
    case searchPapers = "search_papers"
    case getPaper = "get_paper"
    case readPaper = "read_paper"
    case similarPapers = "similar_papers"
    case listCollections = "list_collections"
    case savePaper = "save_paper"

    /// Needs a member's token.
    var isMemberTool: Bool { self == .listCollections || self == .savePaper }

    /// The argument names the tool takes (anything else is refused as invalid params).
    var arguments: [String] {
        switch self {
        case .listPapers: ["period", "date", "sort", "has_code", "limit", "offset"]
        case .searchPapers: ["query", "featured_only", "category", "author", "sort", "has_code", "limit", "offset"]
        case .getPaper: ["id"]
        case .readPaper: ["id", "format"]
        case .similarPapers: ["id", "limit"]
        case .listCollections: ["collection", "limit", "offset"]
        case .savePaper: ["id", "collection", "note"]
        }
    }

    static let maximumLimit = 50

    var definition: Tool {
        switch self {
        case .listPapers:
            Tool(name: rawValue, title: "List the daily papers",
                 description: """
                 The papers the community put on the daily feed for one day, ISO week or month, most upvoted first \
                 (or trending, or newest). Without a date: the latest day, or the week or month holding it. Each result \
                 is an arXiv id, title, upvotes and a one-line summary; call get_paper for details. Results come \
                 `limit` at a time; pass the returned next_offset as `offset` for more.
                 """,
                 inputSchema: .object([
                     "type": "object",
                     "properties": .object([
                         "period": ["type": "string", "enum": ["day", "week", "month"], "default": "day",
                                    "description": "Which span of the feed."],
                         "date": ["type": "string",
                                  "description": "The day as YYYY-MM-DD, the week as YYYY-Www (2025-W09) or the month as YYYY-MM; omit for the latest."],
                         "sort": ["type": "string", "enum": ["upvotes", "trending", "newest", "stars"], "default": "upvotes"],
                         "has_code": ["type": "boolean", "default": false, "description": "Only papers with a code repository."],
                         Self.limitProperty.key: Self.limitProperty.value,
                         "offset": Self.offsetProperty,
                     ]),
                     "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: true))
        case .searchPapers:
            Tool(name: rawValue, title: "Search papers",
                 description: """
                 Full-text search over every paper this site holds (featured on the daily feed or not), ranked with \
                 title matches above authors above abstract. Supports "quoted phrases" and prefix* words. Use it to \
                 find a paper by title, topic or author; each result is an arXiv id, title, whether and when it was \
                 featured, upvotes and a one-line summary. Pass next_offset as `offset` for more (up to 1,000 deep).
                 """,
                 inputSchema: .object([
                     "type": "object",
                     "properties": .object([
                         "query": ["type": "string", "description": "The words to search for (at most 500 characters)."],
                         "featured_only": ["type": "boolean", "default": false, "description": "Only papers on the daily feed."],
                         "category": ["type": "string", "description": "An arXiv category such as cs.LG."],
                         "author": ["type": "string", "description": "Part of an author's name."],
                         "sort": ["type": "string", "enum": ["relevance", "newest", "upvotes", "stars"], "default": "relevance",
                                  "description": "stars: most GitHub stars first."],
                         "has_code": ["type": "boolean", "default": false, "description": "Only papers with a code repository."],
                         Self.limitProperty.key: Self.limitProperty.value,
                         "offset": Self.offsetProperty,
                     ]),
                     "required": ["query"],
                     "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: true))
        case .getPaper:
            Tool(name: rawValue, title: "Get a paper",
                 description: """
                 One paper's details by arXiv id: title, authors, dates, categories, abstract, summary, keywords, \
                 links (arXiv, PDF, code, project page, its page here) and, when featured, its day, upvotes and comments.
                 """,
                 inputSchema: Self.idOnly, annotations: .init(readOnlyHint: true))
        case .readPaper:
            Tool(name: rawValue, title: "Read a paper as Markdown or a citation",
                 description: """
                 A paper's page as Markdown (title, authors, links, abstract, summary, details), to quote or \
                 summarise; or its citation as BibTeX, RIS or CSL-JSON when the reader wants to cite it.
                 """,
                 inputSchema: .object([
                     "type": "object",
                     "properties": .object([
                         "id": Self.idProperty,
                         "format": ["type": "string", "enum": ["markdown", "bibtex", "ris", "csl-json"], "default": "markdown"],
                     ]),
                     "required": ["id"],
                     "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: true))
        case .similarPapers:
            Tool(name: rawValue, title: "Find similar papers",
                 description: """
                 The papers nearest to one paper by the words of their titles and abstracts, most similar first, each \
                 with its similarity from 0 to 1. Use it for "papers like this one" or related work.
                 """,
                 inputSchema: .object([
                     "type": "object",
                     "properties": .object([
                         "id": Self.idProperty,
                         "limit": ["type": "integer", "minimum": 1, "maximum": 20, "default": 5],
                     ]),
                     "required": ["id"],
                     "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: true))
        case .listCollections:
            Tool(name: rawValue, title: "List my collections",
                 description: """
                 The connected member's collections (their saved papers are the collection "saved"), each with its \
                 slug, name, number of papers and whether it is public; with `collection` (a slug, or "saved"), that \
                 collection's papers with the member's notes.
                 """,
                 inputSchema: .object([
                     "type": "object",
                     "properties": .object([
                         "collection": ["type": "string", "description": "A collection's slug, or \"saved\"; omit to list the collections."],
                         Self.limitProperty.key: Self.limitProperty.value,
                         "offset": Self.offsetProperty,
                     ]),
                     "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: true))
        case .savePaper:
            Tool(name: rawValue, title: "Save a paper",
                 description: """
                 Saves a paper for the connected member: to their saved papers, or to one of their collections \
                 (a slug from list_collections), with an optional note. Saving a paper already there keeps it once \
                 (and sets the note when one is given). Needs a read-and-write token.
                 """,
                 inputSchema: .object([
                     "type": "object",
                     "properties": .object([
                         "id": Self.idProperty,
                         "collection": ["type": "string", "default": "saved", "description": "A collection's slug, or \"saved\"."],
                         "note": ["type": "string", "description": "The member's note on the paper (at most 1,000 characters)."],
                     ]),
                     "required": ["id"],
                     "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false))
        }
    }

    private static let idProperty: Value = ["type": "string", "description": "An arXiv id such as 2502.01234 (or an arXiv URL)."]
    private static let offsetProperty: Value = ["type": "integer", "minimum": 0, "default": 0, "description": "How many results to skip."]
    private static let limitProperty: (key: String, value: Value) =
        ("limit", ["type": "integer", "minimum": 1, "maximum": .int(maximumLimit), "default": 10])
    private static let idOnly: Value = .object([
        "type": "object",
        "properties": .object(["id": idProperty]),
        "required": ["id"],
        "additionalProperties": false,
    ])
}
