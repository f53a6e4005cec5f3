import DailyPapersCore
import DailyPapersMail
import DailyPapersStore

/// Account work done from the command line (`dailypapers user ...`), with the same rules as the sign-up form.
public enum AccountAdministration {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates a confirmed account with a role; refuses with the rule that failed.
    public static func create(database: Database, username: String, email: String, fullname: String?, password: String,
                              role: Role, bcryptCost: Int = 12) async throws -> Account {
        if let p = AccountRules.checkUsername(username) { throw Problem(description: p) }
        if let p = AccountRules.checkPassword(password, username: username) { throw Problem(description: p) }
        if let name = fullname, let p = AccountRules.checkFullname(name) { throw Problem(description: p) }
        let address: MailAddress
        do { address = try MailAddress(email) } catch { throw Problem(description: "email: \(error.description)") }
        let hash = try await PasswordHasher(cost: bcryptCost).hash(password)
        do {
            return try await AccountStore(database: database).create(username: username, fullname: fullname ?? username,
                                                                     email: address.address, passwordHash: hash, role: role, verified: true)
        } catch AccountStore.CreateError.usernameTaken {
            throw Problem(description: "the username '\(username)' is taken")
        } catch AccountStore.CreateError.emailTaken {
            throw Problem(description: "an account with the email \(address.address) exists already")
        }
    }
}
