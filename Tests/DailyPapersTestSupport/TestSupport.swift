import DailyPapersStore
import Foundation
import Logging

/// Real fixtures and real databases for tests: a migrated SQLite file in a fresh temporary folder.
public enum Fixtures {
    public static var folder: String { Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path }
    public static func path(_ relative: String) -> String { folder + "/" + relative }
    public static func data(_ relative: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path(relative))) }

    /// `../shared/data` when it sits beside the checkout; tests that need the big corpora skip without it.
    public static var sharedData: String? {
        var dir = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { dir.deleteLastPathComponent() }
        let candidate = dir.deletingLastPathComponent().appendingPathComponent("shared/data").path
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }
}

public struct TestDatabase: Sendable {
    public let database: Database
    public let folder: String
    /// The SQLite file (meaningless when the tests run on PostgreSQL).
    public var path: String { folder + "/test.sqlite" }

    /// `DAILYPAPERS_TEST_DATABASE=postgres://...` runs every test that uses this helper on PostgreSQL, each
    /// in a schema of its own that is dropped afterwards; otherwise tests use a new SQLite file.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["DAILYPAPERS_TEST_DATABASE"].flatMap { $0.hasPrefix("postgres") ? $0 : nil }
    }
    public static var isPostgres: Bool { postgresURL != nil }

    /// Opens a migrated database in a new temporary folder (files and mail of the test go there too).
    public static func make() async throws -> TestDatabase {
        let folder = NSTemporaryDirectory() + "dailypapers-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let location: DatabaseLocation
        if let url = postgresURL {
            guard case .postgres(var settings) = try DatabaseLocation(parsing: url) else { fatalError("not a postgres URL") }
            settings.schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            settings.poolSize = 4
            location = .postgres(settings)
        } else {
            location = .sqliteFile(path: folder + "/test.sqlite")
        }
        let db = try await Database.open(location, logger: logger)
        try await Migrator.migrate(db, logger: logger)
        return TestDatabase(database: db, folder: folder)
    }

    /// A second handle on the same data, as a second process would have.
    public func openAnother() async throws -> Database {
        var logger = Logger(label: "test-2")
        logger.logLevel = .warning
        return try await Database.open(database.location, logger: logger)
    }

    public func close() async {
        await database.close()
        if case .postgres(let settings) = database.location, let schema = settings.schema {
            // Through a handle of its own: the application under test may have closed the first one.
            var logger = Logger(label: "test")
            logger.logLevel = .error
            if let cleaner = try? await Database.open(database.location, logger: logger) {
                _ = try? await cleaner.writeWithoutTransaction { db in try await db.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
                await cleaner.close()
            }
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs `body` with a fresh database, removing it afterwards whatever happens.
    public static func with<T>(_ body: (TestDatabase) async throws -> T) async throws -> T {
        let db = try await make()
        do {
            let result = try await body(db)
            await db.close()
            return result
        } catch {
            await db.close()
            throw error
        }
    }
}

extension TestDatabase {
    /// Every paper's kept keywords (one per line), by paper id.
    public func paperKeywords() async throws -> [String: String] {
        try await database.read { db in
            var kept: [String: String] = [:]
            for row in try await db.raw("SELECT paper_id, keywords FROM paper_keywords").all() {
                kept[try row.decode(column: "paper_id", as: String.self)] = try row.decode(column: "keywords", as: String.self)
            }
            return kept
        }
    }
}
