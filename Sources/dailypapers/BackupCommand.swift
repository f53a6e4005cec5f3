import ArgumentParser
import DailyPapersStore
import Foundation

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the database while the site runs.",
        discussion: "SQLite: VACUUM INTO a new file. For PostgreSQL, use pg_dump (e.g. pg_dump -Fc \"$DATABASE_URL\" > dailypapers.dump).")

    @OptionGroup var common: DatabaseOptions

    @Option(help: "The new file to write (must not exist).")
    var to: String

    func run() async throws {
        var problems: [String] = []
        let (database, _) = try await openDatabase(common, &problems)
        do {
            try await database.backup(to: to)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
        let size = (try? FileManager.default.attributesOfItem(atPath: to)[.size] as? Int) ?? 0
        print("wrote \(to) (\(size / 1024) KiB)")
    }
}
