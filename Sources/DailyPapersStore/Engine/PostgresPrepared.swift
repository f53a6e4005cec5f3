import PostgresNIO
import SQLKit

/// A statement PostgreSQL parses and plans once per connection and then runs by name: for the few a
/// search runs every time, where parsing and planning cost about as much as running them (the server's
/// log at 75 k papers: 0.2 ms parse and 0.2-0.7 ms bind, against 0.1-1.0 ms to execute). Lists are
/// bound as one array (`= ANY($1)`), so the text is the same whatever their length.
protocol PreparedText {
    static var name: String { get }
    static var sql: String { get }
}

/// PostgresNIO's prepared statement for a `PreparedText`, its rows read as `PostgresSQL`'s are.
struct PreparedStatement<Text: PreparedText>: PostgresPreparedStatement {
    static var name: String { Text.name }
    static var sql: String { Text.sql }
    let bindings: PostgresBindings
    let columns = ColumnNames()

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresFastRow { PostgresFastRow(row, columns: columns) }
}

extension PostgresSQL {
    func rows<Text: PreparedText>(_ text: Text.Type, _ bindings: PostgresBindings) async throws -> [any SQLRow] {
        var rows: [any SQLRow] = []
        for try await row in try await connection.execute(PreparedStatement<Text>(bindings: bindings), logger: logger) {
            rows.append(row)
        }
        return rows
    }
}
