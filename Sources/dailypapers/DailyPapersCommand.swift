import ArgumentParser
import DailyPapersStore

/// The single binary: the server and every job run from here.
@main
struct DailyPapersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dailypapers",
        abstract: "A self-hostable daily feed of trending research papers.",
        subcommands: [ServeCommand.self, MigrateCommand.self, ImportCommand.self, IngestCommand.self, BackupCommand.self, CopyCommand.self, ReindexCommand.self, UserCommand.self, DigestCommand.self, DKIMCommand.self],
        defaultSubcommand: ServeCommand.self)

    static func main() async {
        LogFormat.bootstrap(CommandLine.arguments)
        MemoryTuning.apply()
        do {
            var command = try parseAsRoot()
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let error as ConfigurationError {
            // Raised past start-up's checks (a database that cannot be reached): named by its flag.
            exit(withError: ValidationError(ConfigurationProblems(problems: [error.flagged()]).description))
        } catch {
            exit(withError: error)
        }
    }
}
