import SQLKit

extension SQLQueryString {
    /// Appends `(a, b), (c, d), ...` with every value bound: the VALUES list of a multi-row statement.
    mutating func appendRows(_ rows: some Sequence<[any Encodable & Sendable]>) {
        for (i, row) in rows.enumerated() {
            appendLiteral(i == 0 ? "(" : ", (")
            appendInterpolation(binds: row)
            appendLiteral(")")
        }
    }
}
