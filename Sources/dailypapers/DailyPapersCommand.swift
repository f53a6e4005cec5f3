import ArgumentParser

/// The single binary: the server and every job run from here.
@main
struct DailyPapersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dailypapers",
        abstract: "A self-hostable daily feed of trending research papers.",
        subcommands: [ServeCommand.self, MigrateCommand.self, ImportCommand.self, IngestCommand.self],
        defaultSubcommand: ServeCommand.self)
}
