import DailyPapersJobs
import DailyPapersStore
import DailyPapersTestSupport
import DailyPapersWeb
import Hummingbird
import HummingbirdTesting
import Logging

/// An application over a real SQLite file holding the Hugging Face fixtures.
func withApp(importing paths: [String] = [Fixtures.path("hf-daily")],
             _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    _ = Observability.registry  // metrics recorded by the import below must reach /metrics
    let t = try await TestDatabase.make()
    do {
        _ = try await HFDailyImport(store: PaperStore(database: t.database)).run(paths: paths)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let app = try buildApplication(
            configuration: AppConfiguration(database: .sqliteFile(path: t.path), publicURL: "https://papers.example.org"),
            database: t.database, logger: logger)
        try await app.test(.router, body)
        await t.close()
    } catch {
        await t.database.close()
        try? FileManager.default.removeItem(atPath: t.folder)
        throw error
    }
}

extension ByteBuffer {
    var text: String { String(buffer: self) }
}

import Foundation
