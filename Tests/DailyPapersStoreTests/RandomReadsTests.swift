@testable import DailyPapersStore
import Foundation
import Logging
import Testing

/// A serving process tells the kernel its SQLite readers read at random (`RandomReads`): the readers' descriptors
/// are found among the process's open files, the writer's left out, and reading goes on as before after the advice.
@Suite struct RandomReadsTests {
    @Test func theReadersDescriptorsAreFoundAndStillRead() async throws {
        let folder = NSTemporaryDirectory() + "dailypapers-random-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/d.sqlite"
        let database = try await Database.open(.sqliteFile(path: path), readers: 3, logger: Logger(label: "test"))
        let open = RandomReads.descriptors(of: path)
        #expect(open.count >= 4, "the writer's and three readers' descriptors: \(open)")
        #expect(database.readerFiles.count == 3 && database.readerFiles.isSubset(of: open))
        try await Migrator.migrate(database, logger: Logger(label: "test"))
        database.readAtRandom()
        for _ in 0..<6 {
            let n = try await database.read { db in try await db.raw("SELECT count(*) AS n FROM sqlite_master").first()?.decode(column: "n", as: Int.self) }
            #expect((n ?? 0) > 10)
        }
        await database.close()
        #expect(RandomReads.descriptors(of: path).isEmpty)
        // An in-memory database has no file to advise.
        let memory = try await Database.open(.sqliteMemory, logger: Logger(label: "test"))
        #expect(memory.readerFiles.isEmpty)
        memory.readAtRandom()
        await memory.close()
    }
}
