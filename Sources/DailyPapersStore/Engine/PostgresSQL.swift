import Logging
import NIOCore
import PostgresKit
import SQLKit
import Synchronization

/// SQLKit on one PostgresNIO connection, in place of PostgresKit's `connection.sql()`, for its rows:
/// PostgresKit takes every value through its Codable bridge (a coding path built, a dynamic cast, two
/// hash lookups of the column name), which was a fifth of a search's CPU on PostgreSQL and of the search
/// index's load (`perf`, 75 k papers). These rows decode the column types the stores read (text, integers,
/// floating point, booleans) straight from their cells, find a column by position in a list shared by the
/// query's rows, and hand anything else to PostgresKit's own decoding, so its behaviour is kept there.
struct PostgresSQL: SQLDatabase {
    let connection: PostgresConnection

    var logger: Logger { connection.logger }
    var eventLoop: any EventLoop { connection.eventLoop }
    var dialect: any SQLDialect { PostgresDialect() }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let statement: PostgresQuery
        do { statement = try prepare(query) } catch { return eventLoop.makeFailedFuture(error) }
        let columns = ColumnNames()
        return connection.query(statement, logger: logger) { onRow(PostgresFastRow($0, columns: columns)) }.map { _ in }
    }

    private func prepare(_ query: any SQLExpression) throws -> PostgresQuery {
        let (sql, binds) = serialize(query)
        logger.debug("Executing query", metadata: ["sql": .string(sql)])
        var bindings = PostgresBindings(capacity: binds.count)
        for (position, bind) in binds.enumerated() {
            if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                try bindings.append(value)
            } else if let optional = bind as? any OptionalValue, optional.isNone {
                bindings.appendNull()
            } else {
                throw StoreError("PostgreSQL cannot take a value of type \(type(of: bind)) (parameter \(position + 1) of: \(sql.prefix(200)))")
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}

/// Lets a bound `nil` (an `Optional` inside `any Encodable`) be told from a value of an unknown type.
private protocol OptionalValue { var isNone: Bool { get } }
extension Optional: OptionalValue {
    var isNone: Bool { self == nil }
}

/// The column names of a query's rows, read from its first row (all rows of a result share them).
final class ColumnNames: Sendable {
    private let names = Mutex<[String]?>(nil)

    func of(_ row: PostgresRandomAccessRow) -> [String] {
        names.withLock { names in
            if let names { return names }
            let read = row.map(\.columnName)
            names = read
            return read
        }
    }
}

struct PostgresFastRow: SQLRow {
    private let row: PostgresRow
    private let cells: PostgresRandomAccessRow
    private let names: [String]

    init(_ row: PostgresRow, columns: ColumnNames) {
        self.row = row
        self.cells = row.makeRandomAccess()
        self.names = columns.of(cells)
    }

    var allColumns: [String] { names }

    func contains(column: String) -> Bool { position(of: column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let i = position(of: column) else { return true }
        return cells[i].bytes == nil
    }

    func decode<T: Decodable>(column: String, as type: T.Type) throws -> T {
        guard let i = position(of: column) else { throw StoreError("no column '\(column)' in the row") }
        let cell = cells[i]
        if cell.bytes != nil {
            switch cell.dataType {
            case .text, .varchar:
                if T.self == String.self { return same(try cell.decode(String.self)) }
            case .int8, .int4, .int2:
                if T.self == Int.self { return same(try cell.decode(Int.self)) }
                if T.self == Int64.self { return same(try cell.decode(Int64.self)) }
            case .float8, .float4:
                if T.self == Double.self { return same(try cell.decode(Double.self)) }
            case .bool:
                if T.self == Bool.self { return same(try cell.decode(Bool.self)) }
            default:
                break
            }
        }
        return try row.sql().decode(column: column, as: T.self)
    }

    /// Column names are short and a row has a few dozen at most: a scan costs less than hashing the name.
    private func position(of column: String) -> Int? {
        names.firstIndex(of: column)
    }

    /// `value` as `T`, where the caller has checked that `T` is `V`.
    private func same<V, T>(_ value: V) -> T { unsafeBitCast(value, to: T.self) }
}
