import SQLiteNIO

/// A value of a row the store writes or copies, for each way of writing it: as an SQLKit bind (`bind`, on every
/// engine), as SQLite's own value (`sqlite`) for statements run on SQLite's connection directly, skipping SQLKit's
/// serializing and its encoding of every bind through `Encodable` (most of a bulk import's statement cost: a
/// paper's authors alone are dozens of binds), or as a field of PostgreSQL's COPY text (`CopyText`).
enum SQLValue: Encodable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    init(_ text: String?) { self = text.map(SQLValue.text) ?? .null }
    init(_ integer: Int64?) { self = integer.map(SQLValue.integer) ?? .null }
    init(_ integer: Int?) { self = integer.map { .integer(Int64($0)) } ?? .null }

    var bind: any Encodable & Sendable {
        switch self {
        case .null: return String?.none
        case .integer(let v): return v
        case .real(let v): return v
        case .text(let v): return v
        }
    }

    var sqlite: SQLiteData {
        switch self {
        case .null: return .null
        case .integer(let v): return .integer(Int(v))
        case .real(let v): return .float(v)
        case .text(let v): return .text(v)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .integer(let v): try c.encode(v)
        case .real(let v): try c.encode(v)
        case .text(let v): try c.encode(v)
        }
    }
}

extension SQLiteConnection {
    /// `INSERT INTO table (columns) VALUES (...), (...)` for `rows`, as many statements as the bind limit takes.
    func insert(into table: String, columns: [String], rows: [[SQLValue]], suffix: String = "") async throws {
        let perStatement = max(1, 30_000 / max(columns.count, 1))
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let part = rows[start..<min(start + perStatement, rows.count)]
            let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                + Array(repeating: tuple, count: part.count).joined(separator: ", ") + suffix
            var binds: [SQLiteData] = []
            binds.reserveCapacity(part.count * columns.count)
            for row in part { for value in row { binds.append(value.sqlite) } }
            try await query(sql, binds) { _ in }
        }
    }
}
