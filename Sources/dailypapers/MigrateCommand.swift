import ArgumentParser
import DailyPapersStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply database migrations and exit.")

    @OptionGroup var common: DatabaseOptions

    func run() async throws {
        var problems: [String] = []
        let settings = try await common.settings()
        let logger = common.makeLogger("dailypapers.migrate", settings, &problems)
        let location = common.resolveDatabase(settings, &problems)
        try problems.throwIfAny()
        let database = try await Database.open(location!, logger: logger)
        let applied: [Int]
        let all: [Int]
        do {
            applied = try await Migrator.migrate(database, logger: logger)
            all = try await Migrator.appliedNumbers(database)
        } catch {
            await database.close()
            throw error
        }
        print(applied.isEmpty ? "schema is current (\(all.count) migrations)" : "applied \(applied.count) migrations; schema at \(all.last ?? 0)")
        await database.close()
    }
}
