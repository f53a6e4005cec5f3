import ArgumentParser
import DailyPapersCore
import DailyPapersStore
import DailyPapersWeb
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage accounts: create the first admin, change roles.",
        subcommands: [CreateUser.self, SetRole.self])
}

struct CreateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a confirmed account. The password is read from DAILYPAPERS_PASSWORD, or from the first line of standard input.")

    @OptionGroup var common: DatabaseOptions
    @Option(help: "Username (2-32 letters, digits, - or _).") var username: String
    @Option(help: "Email address.") var email: String
    @Option(help: "Full name (default: the username).") var fullname: String?
    @Flag(help: "Make the account an admin (moderation and authorship claims).") var admin = false
    @Flag(help: "Make the account a moderator.") var moderator = false
    @Option(help: Setting.bcryptCost.help) var bcryptCost: String?

    func run() async throws {
        guard !(admin && moderator) else { throw ValidationError("choose at most one of --admin and --moderator") }
        guard let password = ProcessInfo.processInfo.environment["DAILYPAPERS_PASSWORD"].flatMap({ $0.isEmpty ? nil : $0 }) ?? readLine(strippingNewline: true), !password.isEmpty else {
            throw ValidationError("no password: set DAILYPAPERS_PASSWORD or pipe it on standard input")
        }
        var problems: [String] = []
        let settings = try await common.settings([.bcryptCost: bcryptCost])
        let cost = settings.whole(.bcryptCost, default: 12, range: 10...16, &problems)
        let (database, _) = try await openDatabase(common, settings, &problems)
        do {
            let account = try await AccountAdministration.create(
                database: database, username: username, email: email, fullname: fullname, password: password,
                role: admin ? .admin : moderator ? .moderator : .member, bcryptCost: cost)
            print("created @\(account.username) (\(account.role.rawValue)), email confirmed")
            await database.close()
        } catch {
            await database.close()
            throw ValidationError("cannot create the account: \(error)")
        }
    }
}

struct SetRole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "role", abstract: "Set an account's role: member, moderator or admin.")

    @OptionGroup var common: DatabaseOptions
    @Argument(help: "Username.") var username: String
    @Argument(help: "member, moderator or admin.") var role: String

    func run() async throws {
        guard let role = Role(rawValue: role) else { throw ValidationError("role '\(self.role)' is not one of member, moderator, admin") }
        var problems: [String] = []
        let (database, _) = try await openDatabase(common, &problems)
        let found = try await AccountStore(database: database).setRole(username: username, role: role)
        await database.close()
        guard found else { throw ValidationError("there is no user '\(username)'") }
        print("@\(username) is now \(role.rawValue)")
    }
}
