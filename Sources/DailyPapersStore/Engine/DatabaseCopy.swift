import Foundation
import Logging
import PostgresNIO
import SQLKit

/// Moves a whole instance from one database to another (SQLite to PostgreSQL, or back): every table in
/// an order that satisfies its foreign keys, ids kept, the search index rebuilt on the target. The target
/// must be new; everything is written in one transaction there, so a failed copy leaves it empty.
public enum DatabaseCopy {
    /// A table and the columns that order it (its primary key), for paging through it by key.
    struct Table: Sendable {
        let name: String
        let key: [String]
    }

    /// Parents before children. `schema_migrations` is the target's own, and
    /// `job_leases` belong to the processes of the old instance.
    static let tables: [Table] = [
        Table(name: "users", key: ["id"]),
        Table(name: "papers", key: ["arxiv_id"]),
        Table(name: "paper_authors", key: ["paper_id", "position"]),
        Table(name: "paper_categories", key: ["paper_id", "category"]),
        Table(name: "featured", key: ["paper_id"]),
        Table(name: "site_state", key: ["key"]),
        Table(name: "harvest_state", key: ["source"]),
        Table(name: "upvote_history", key: ["paper_id", "at"]),
        Table(name: "sessions", key: ["token_hash"]),
        Table(name: "account_tokens", key: ["token_hash"]),
        Table(name: "access_tokens", key: ["id"]),
        Table(name: "votes", key: ["user_id", "paper_id"]),
        // Ordered by id, a reply always comes after the comment it answers.
        Table(name: "comments", key: ["id"]),
        Table(name: "moderation_log", key: ["id"]),
        Table(name: "author_claims", key: ["paper_id", "user_id"]),
        Table(name: "subscriptions", key: ["id"]),
        Table(name: "deliveries", key: ["subscription_id", "period"]),
        Table(name: "term_df", key: ["term"]),
        Table(name: "paper_keywords", key: ["paper_id"]),
        Table(name: "search_documents", key: ["id"]),
        Table(name: "arrivals", key: ["category", "day", "paper_id"]),
        Table(name: "collections", key: ["id"]),
        Table(name: "collection_papers", key: ["collection_id", "paper_id"]),
        Table(name: "not_interested", key: ["user_id", "paper_id"]),
        Table(name: "follows", key: ["user_id", "kind", "target"]),
        Table(name: "notifications", key: ["id"]),
        Table(name: "notification_mail", key: ["user_id", "kind"]),
        Table(name: "github_repos", key: ["repo"]),
        Table(name: "summary_attempts", key: ["paper_id"]),
        Table(name: "ap_keys", key: ["name"]),
        Table(name: "ap_followers", key: ["actor", "follower"]),
        Table(name: "ap_remote_actors", key: ["id"]),
        Table(name: "ap_published", key: ["actor", "paper_id"]),
        Table(name: "ap_deliveries", key: ["id"]),
    ]

    /// Tables whose `id` the target numbers by itself afterwards (PostgreSQL identity columns).
    static let identityTables = ["users", "comments", "moderation_log", "subscriptions", "search_documents", "access_tokens", "collections", "notifications", "ap_deliveries"]

    public struct Report: Sendable, CustomStringConvertible {
        public var rows: [(table: String, count: Int)] = []
        public var description: String { rows.map { "\($0.table) \($0.count)" }.joined(separator: ", ") }
    }

    enum Kind { case integer, real, text }
    public static func copy(from source: Database, to target: Database, logger: Logger,
                            progress: @escaping @Sendable (String, Int) -> Void = { _, _ in }) async throws -> Report {
        let expected = Migrations.all.map(\.number)
        guard try await Migrator.appliedNumbers(source) == expected else {
            throw ConfigurationError(setting: "from", problem: "is not at the current schema; run `dailypapers migrate --database` on it first")
        }
        try await Migrator.migrate(target, logger: logger)
        return try await target.writeOnConnection { dst, postgres in
            for check in ["users", "papers", "subscriptions"] {
                if try await dst.raw("SELECT 1 AS x FROM \(ident: check) LIMIT 1").first() != nil {
                    throw ConfigurationError(setting: "to", problem: "already holds data (table \(check)); copy into a new, empty database")
                }
            }
            // The migrations seeded these; the source's values replace them.
            try await dst.raw("DELETE FROM site_state").run()
            var report = Report()
            for table in tables {
                let columns = try await source.read { try await Self.columns(of: table.name, on: $0) }
                let count = try await copyTable(table, columns: columns, from: source, to: dst, postgres: postgres, logger: logger, progress: progress)
                report.rows.append((table.name, count))
            }
            if dst.isPostgres {
                for table in identityTables {
                    try await dst.raw("""
                        SELECT setval(pg_get_serial_sequence(\(bind: table), 'id'), COALESCE((SELECT MAX(id) FROM \(ident: table)), 0) + 1, false)
                        """).run()
                }
            }
            return report
        }
    }

    /// Column names and kinds as the source declares them (generated columns left out).
    static func columns(of table: String, on db: any SQLDatabase) async throws -> [(name: String, kind: Kind)] {
        let rows: [(String, String)]
        if db.isPostgres {
            rows = try await db.raw("""
                SELECT column_name, data_type FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(bind: table) AND is_generated = 'NEVER'
                ORDER BY ordinal_position
                """).all().map { (try $0.decode(column: "column_name", as: String.self), try $0.decode(column: "data_type", as: String.self)) }
        } else {
            rows = try await db.raw("SELECT name, type FROM pragma_table_info(\(bind: table)) ORDER BY cid").all()
                .map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "type", as: String.self)) }
        }
        guard !rows.isEmpty else { throw StoreError("table \(table) is missing from the source") }
        return rows.map { name, type in
            let t = type.uppercased()
            let kind: Kind = t.contains("INT") ? .integer : (t.contains("DOUBLE") || t.contains("REAL") || t.contains("FLOAT")) ? .real : .text
            return (name, kind)
        }
    }

    /// Pages through the source by primary key (`WHERE (k1, k2) > (...)`) into the target: as one
    /// streamed COPY on PostgreSQL (the source's next page is read while the server takes the last), as a
    /// multi-row insert per page on SQLite.
    private static func copyTable(_ table: Table, columns: [(name: String, kind: Kind)], from source: Database,
                                  to dst: any SQLDatabase, postgres: PostgresConnection?, logger: Logger,
                                  progress: @Sendable (String, Int) -> Void) async throws -> Int {
        var total = 0
        guard let postgres else {
            let columnList = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
            try await pages(of: table, columns: columns, from: source) { rows in
                var insert = SQLQueryString("INSERT INTO \(unsafeRaw: table.name) (\(unsafeRaw: columnList)) VALUES ")
                insert.appendRows(rows.map { $0 as [any Encodable & Sendable] })
                try await dst.raw(insert).run()
                total += rows.count
                progress(table.name, total)
            }
            return total
        }
        // copyFrom quotes the names (from the source's own schema, not from users) itself.
        try await postgres.copyFrom(table: table.name, columns: columns.map(\.name), logger: logger) { writer in
            try await pages(of: table, columns: columns, from: source) { rows in
                try await writer.write(CopyText.encode(rows))
                total += rows.count
                progress(table.name, total)
            }
        }
        return total
    }

    /// Calls `body` with the table's rows a page at a time, in primary key order.
    private static func pages(of table: Table, columns: [(name: String, kind: Kind)], from source: Database,
                              _ body: ([[SQLValue]]) async throws -> Void) async throws {
        let pageSize = max(50, 8000 / columns.count)
        let columnList = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let keyList = table.key.map { "\"\($0)\"" }.joined(separator: ", ")
        let keyIndexes = table.key.map { k in columns.firstIndex { $0.name == k }! }
        var cursor: [SQLValue]?
        while true {
            let after = cursor
            let rows: [[SQLValue]] = try await source.read { src in
                var sql = SQLQueryString("SELECT \(unsafeRaw: columnList) FROM \(unsafeRaw: table.name)")
                if let after {
                    sql.appendLiteral(" WHERE (\(keyList)) > (")
                    sql.appendInterpolation(binds: after as [any Encodable & Sendable])
                    sql.appendLiteral(")")
                }
                sql.appendLiteral(" ORDER BY \(keyList) LIMIT \(pageSize)")
                return try await src.raw(sql).all().map { row in try columns.map { try cell(row, $0.name, $0.kind) } }
            }
            guard !rows.isEmpty else { return }
            try await body(rows)
            cursor = keyIndexes.map { rows[rows.count - 1][$0] }
            if rows.count < pageSize { return }
        }
    }

    private static func cell(_ row: any SQLRow, _ column: String, _ kind: Kind) throws -> SQLValue {
        switch kind {
        case .integer: return try RowDecoding.optional(row, column, Int64.self).map(SQLValue.integer) ?? .null
        case .real: return try RowDecoding.optional(row, column, Double.self).map(SQLValue.real) ?? .null
        case .text: return try RowDecoding.optional(row, column, String.self).map(SQLValue.text) ?? .null
        }
    }
}
