import DailyPapersCore
import Foundation
import SQLKit

/// Keywords without any model: each paper's heaviest tf-idf terms (Core's `Terms`), the words of its title and
/// abstract that few other papers use. `term_df` counts the papers holding each word (a bigram's count is estimated
/// from its words'); a paper's keywords are
/// chosen in the transaction that saves it and kept in `paper_keywords` (a row, possibly empty, for every paper
/// counted in `term_df`). Similar papers come from the search index (`SearchMemory.related`).
///
/// Document frequencies grow as papers arrive and idf is taken at indexing time; a paper indexed early
/// in an instance's life keeps keywords chosen from a smaller corpus until it is indexed again (`reindex --similarity`).
public enum SimilarityIndex {
    /// Terms weighed for keywords per paper.
    static let termsPerPaper = 30
    static let chunk = 400

    /// Chooses keywords for these papers from their stored title and abstract. New papers add to the term
    /// counts; a paper indexed before is weighed again without counting it twice.
    static func index(_ ids: [String], on db: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        let binds: [any Encodable & Sendable] = ids
        let texts = try await db.raw("SELECT arxiv_id, title, abstract FROM papers WHERE arxiv_id IN (\(binds: binds))").all().map {
            SimilarityRebuild.Text(id: try $0.decode(column: "arxiv_id", as: String.self), title: try $0.decode(column: "title", as: String.self),
                                   abstract: try $0.decode(column: "abstract", as: String.self))
        }
        let seen = Set(try await db.raw("SELECT paper_id FROM paper_keywords WHERE paper_id IN (\(binds: binds))").all()
            .map { try $0.decode(column: "paper_id", as: String.self) })
        // The same weighing as a bulk import's chunks (`KeywordPass`), in the caller's transaction.
        try await KeywordPass.write(try await KeywordPass.weigh(KeywordPass.count(texts), counted: seen, on: db), on: db)
    }

    /// Keywords as `paper_keywords` keeps them: one per line (a term is words of letters and digits
    /// joined by spaces, so it holds no line break).
    static func keywordsText(_ keywords: [String]) -> String { keywords.joined(separator: "\n") }

    /// The keywords a `keywordsText` holds.
    static func keywordsList(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }
}

extension PaperStore {
    /// A paper's nearest papers, best first, with a score (0-1): the papers the search index finds for its most
    /// telling words (`SearchMemory.related`), scored as a share of the paper's own score.
    public func similar(to id: ArxivID, limit: Int = 10) async throws -> [(record: PaperRecord, score: Double)] {
        let memory = database.searchMemory
        let matches = try await database.read { db -> [SearchMemory.Match] in
            guard let row = try await db.raw("SELECT title, abstract FROM papers WHERE arxiv_id = \(bind: id.base)").first() else { return [] }
            try await memory.catchUp(on: db)
            let document = SearchRanking.Document(title: try row.decode(column: "title", as: String.self),
                                                  abstract: try row.decode(column: "abstract", as: String.self), authors: "")
            return memory.related(counts: document.counts, length: document.length, excluding: id.base, limit: limit)
        }
        let records = try await papers(matches.map(\.paper))
        return matches.compactMap { match in records[match.paper].map { ($0, match.score) } }
    }

    /// Whether any paper with words has not been weighed for keywords yet (stored before keywords were chosen,
    /// or by an import that left them for later).
    public func hasPapersWithoutTerms() async throws -> Bool {
        try await database.read { db in
            // Ids first, from the primary key's index alone; the texts only of papers without keywords. (Testing the
            // texts of every paper read the whole table: 9.5 s at a start with 2.5 M papers; now 2.7 s cold, 1.1 s warm.)
            try await db.raw("""
                SELECT 1 AS x FROM papers p
                WHERE p.arxiv_id IN (SELECT q.arxiv_id FROM papers q WHERE NOT EXISTS (SELECT 1 FROM paper_keywords k WHERE k.paper_id = q.arxiv_id))
                  AND (p.title <> '' OR p.abstract <> '') LIMIT 1
                """).first() != nil
        }
    }

    /// Weighs all papers again with today's term counts in one pass (`rebuildSimilarity`: after a large
    /// import, the first papers' keywords were chosen against a small corpus), or with `onlyMissing` only those
    /// never weighed (`KeywordPass`, a chunk a transaction). Returns how many papers it weighed.
    @discardableResult
    public func reindexSimilarity(onlyMissing: Bool = false, progress: @Sendable (Int) -> Void = { _ in }) async throws -> Int {
        if !onlyMissing { return try await rebuildSimilarity(progress: progress) }
        return try await KeywordPass.run(database: database, progress: progress)
    }
}
