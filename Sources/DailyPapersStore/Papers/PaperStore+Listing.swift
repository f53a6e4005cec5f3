import DailyPapersCore
import SQLKit

extension PaperStore {
    /// Every paper, newest first by arXiv id (new-style ids, 0704.0001 on, are numbered in submission order; the
    /// old-style ones of before April 2007, hep-th/9901001, follow, by archive), `limit` of them after `cursor` (the
    /// last id of the previous page). Papers a moderator hid are left out. Each page is a range of the primary key,
    /// however deep.
    public func listPapers(after cursor: ArxivID?, limit: Int) async throws -> [PaperRecord] {
        try await database.read { db in
            // New-style ids start with a digit, old-style ones with an archive's name: 'a' parts them in any collation.
            var ids: [String] = []
            let last = cursor?.base
            if last.map({ $0 < "a" }) ?? true {
                ids = try await Self.idsBelow(last ?? "a", newStyle: true, limit: limit, on: db)
            }
            if ids.count < limit {
                ids += try await Self.idsBelow(last.flatMap { $0 < "a" ? nil : $0 }, newStyle: false, limit: limit - ids.count, on: db)
            }
            let records = try await Self.records(ids, on: db)
            return ids.compactMap { records[$0] }
        }
    }

    private static func idsBelow(_ upper: String?, newStyle: Bool, limit: Int, on db: any SQLDatabase) async throws -> [String] {
        let visible = "AND NOT EXISTS (SELECT 1 FROM featured f WHERE f.paper_id = p.arxiv_id AND f.hidden = 1) ORDER BY p.arxiv_id DESC"
        let sql: SQLQueryString = switch (newStyle, upper) {
        case (true, let upper): "SELECT p.arxiv_id FROM papers p WHERE p.arxiv_id < \(bind: upper ?? "a") \(unsafeRaw: visible) LIMIT \(bind: limit)"
        case (false, let upper?): "SELECT p.arxiv_id FROM papers p WHERE p.arxiv_id >= 'a' AND p.arxiv_id < \(bind: upper) \(unsafeRaw: visible) LIMIT \(bind: limit)"
        case (false, nil): "SELECT p.arxiv_id FROM papers p WHERE p.arxiv_id >= 'a' \(unsafeRaw: visible) LIMIT \(bind: limit)"
        }
        return try await db.raw(sql).all().map { try $0.decode(column: "arxiv_id", as: String.self) }
    }
}
