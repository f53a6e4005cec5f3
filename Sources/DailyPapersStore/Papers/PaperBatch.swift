import DailyPapersCore

/// Papers to save, made ready off the writer: one record per paper (the last wins, as it would across
/// batches) and what the search index will hold for each, analysed from the paper's own text. A bulk import
/// makes the next batch while the writer saves this one, so the tokenizing happens on another core; the
/// writer uses a paper's analysis only if the paper is new (a stored paper may keep an abstract or authors
/// the record lacks, so its text is read back instead).
public struct PaperBatch: Sendable {
    let papers: [Paper]
    let documents: [String: SearchIndex.Prepared]
    /// Each paper's rows (nil for a paper whose authors link accounts), for the papers the writer finds new; made
    /// for a bulk import.
    let newRows: [PaperRows.New?]?

    public init(_ records: [Paper]) {
        var analyzer = SearchAnalyzer()
        self.init(records, analyzer: &analyzer)
    }

    /// With the analyzer of a reader that makes many batches (its word tables serve them all). `forBulkImport`: with
    /// the papers' rows made too.
    public init(_ records: [Paper], analyzer: inout SearchAnalyzer, forBulkImport: Bool = false) {
        var none = NoWords()
        self.init(records, analyzer: &analyzer, forBulkImport: forBulkImport, words: &none)
    }

    /// A bulk import's batch, its papers' words counted into `keywords` as they are analysed (a paper again in a
    /// later batch is counted again there and keeps its last text).
    public init(_ records: [Paper], analyzer: inout SearchAnalyzer, keywords: inout KeywordChunk) {
        self.init(records, analyzer: &analyzer, forBulkImport: true, words: &keywords)
    }

    private init<Words: AnalyzedWords>(_ records: [Paper], analyzer: inout SearchAnalyzer, forBulkImport: Bool, words: inout Words) {
        var latest: [String: Paper] = [:]
        var order: [String] = []
        for p in records {
            if latest[p.id.base] == nil { order.append(p.id.base) }
            latest[p.id.base] = p
        }
        papers = order.map { latest[$0]! }
        var documents: [String: SearchIndex.Prepared] = [:]
        documents.reserveCapacity(papers.count)
        for p in papers {
            words.begin()
            documents[p.id.base] = analyzer.prepare(title: p.title, abstract: p.abstract,
                                                    authors: p.authors.map(\.name).joined(separator: ", "), words: &words)
            words.finish(id: p.id.base)
        }
        self.documents = documents
        newRows = forBulkImport ? papers.map(PaperRows.New.init) : nil
    }

    public var count: Int { papers.count }
}
