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
    public var path: String { folder + "/test.sqlite" }

    /// Opens a migrated database in a new temporary folder.
    public static func make() async throws -> TestDatabase {
        let folder = NSTemporaryDirectory() + "dailypapers-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let db = try await Database.open(.sqliteFile(path: folder + "/test.sqlite"), logger: logger)
        try await Migrator.migrate(db, logger: logger)
        return TestDatabase(database: db, folder: folder)
    }

    public func close() async {
        await database.close()
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
