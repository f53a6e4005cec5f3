import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import SQLKit
import Testing

/// The rows and parameters every store reads through, on whichever database the suite runs (PostgreSQL's
/// own row type decodes the common column types itself and hands the rest to PostgresKit).
@Suite struct RowDecodingTests {
    struct Shape: Encodable, Sendable { let x: Int }

    @Test func columnsDecodeByNameWhateverTheirOrderAndNullsAreTold() async throws {
        try await TestDatabase.with { t in
            let row = try await t.database.read { db in
                try await db.raw("""
                    SELECT 'text' AS words, CAST(7 AS SMALLINT) AS small, 70000 AS mid, CAST(9000000000 AS BIGINT) AS big,
                           CAST(2.5 AS DOUBLE PRECISION) AS real, CAST(NULL AS TEXT) AS missing, 1 = 1 AS truth
                    """).first()
            }
            let r = try #require(row)
            #expect(r.allColumns == ["words", "small", "mid", "big", "real", "missing", "truth"])
            // Asked out of order, as the stores do.
            #expect(try r.decode(column: "big", as: Int64.self) == 9_000_000_000)
            #expect(try r.decode(column: "words", as: String.self) == "text")
            #expect(try r.decode(column: "real", as: Double.self) == 2.5)
            #expect(try r.decode(column: "small", as: Int.self) == 7)
            #expect(try r.decode(column: "mid", as: Int.self) == 70000)
            #expect(try r.decode(column: "mid", as: Int64.self) == 70000)
            #expect(try r.decode(column: "truth", as: Bool.self))
            #expect(try r.decode(column: "words", as: String?.self) == "text")
            #expect(try r.decode(column: "missing", as: String?.self) == nil)
            #expect(try r.decodeNil(column: "missing"))
            #expect(try !r.decodeNil(column: "words"))
            #expect(r.contains(column: "real"))
            #expect(!r.contains(column: "absent"))
            #expect(throws: (any Error).self) { try r.decode(column: "absent", as: String.self) }
            #expect(throws: (any Error).self) { try r.decode(column: "missing", as: String.self) }
            #expect(throws: (any Error).self) { try r.decode(column: "words", as: Int.self) }
        }
    }

    @Test func sumsAreReadAsNumbersOnEitherDatabase() async throws {
        // PostgreSQL sums INTEGER into BIGINT and BIGINT into NUMERIC, which the fast path leaves to PostgresKit.
        try await TestDatabase.with { t in
            let row = try await t.database.read { db in
                try await db.raw("""
                    SELECT SUM(v) AS small_total, SUM(CAST(v AS BIGINT)) AS big_total
                    FROM (SELECT 2 AS v UNION ALL SELECT 3) AS s
                    """).first()
            }
            let r = try #require(row)
            #expect(try r.decode(column: "small_total", as: Int.self) == 5)
            #expect(try r.decode(column: "big_total", as: Double.self) == 5)
        }
    }

    @Test func parametersBindValuesNullsAndLists() async throws {
        try await TestDatabase.with { t in
            let none: String? = nil
            let some: String? = "given"
            let row = try await t.database.read { db in
                try await db.raw("SELECT \(bind: "a'b") AS quoted, \(bind: 42) AS number, CAST(\(bind: none) AS TEXT) IS NULL AS was_null, \(bind: some) AS given").first()
            }
            let r = try #require(row)
            #expect(try r.decode(column: "quoted", as: String.self) == "a'b")
            #expect(try r.decode(column: "number", as: Int.self) == 42)
            #expect(try r.decode(column: "was_null", as: Bool.self))
            #expect(try r.decode(column: "given", as: String.self) == "given")
        }
    }

    @Test func aParameterPostgreSQLCannotTakeIsNamedNotSent() async throws {
        guard TestDatabase.isPostgres else { return }
        try await TestDatabase.with { t in
            do {
                _ = try await t.database.read { db in try await db.raw("SELECT \(bind: 1) AS a, \(bind: Shape(x: 1)) AS b").first() }
                Issue.record("a struct was bound")
            } catch {
                #expect("\(error)".contains("Shape"))
                #expect("\(error)".contains("parameter 2"))
            }
        }
    }
}
