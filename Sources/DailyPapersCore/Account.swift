import Foundation

/// What a signed-in person may do. Each role includes the ones before it.
public enum Role: String, Sendable, CaseIterable, Comparable {
    case member, moderator, admin

    public static func < (a: Role, b: Role) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A local account as the web layer needs it: who, what they may do, whether they may act at all.
public struct Account: Sendable, Equatable {
    public var id: Int
    public var username: String
    public var fullname: String
    public var email: String?
    public var role: Role
    public var emailVerified: Bool
    public var bannedAt: Timestamp?
    public var banReason: String?

    public init(id: Int, username: String, fullname: String, email: String?, role: Role, emailVerified: Bool,
                bannedAt: Timestamp? = nil, banReason: String? = nil) {
        self.id = id
        self.username = username
        self.fullname = fullname
        self.email = email
        self.role = role
        self.emailVerified = emailVerified
        self.bannedAt = bannedAt
        self.banReason = banReason
    }

    public var isBanned: Bool { bannedAt != nil }
    public var canModerate: Bool { role >= .moderator && !isBanned }
}

/// The rules a new account's fields must meet, each failure named so the form can say which.
public enum AccountRules {
    /// Names that would impersonate the site or its automation.
    public static let reservedUsernames: Set<String> = [
        "admin", "administrator", "moderator", "root", "system", "support", "api", "papers", "settings",
        "login", "logout", "signup", "dailypapers", "dailypapers-auto",
        // The fediverse's feed accounts (acct:daily@host, acct:trending@host).
        "daily", "trending",
    ]

    /// 2-32 characters: letters, digits, `-` and `_`, starting with a letter or digit (URL-safe, as on Hugging Face).
    public static func checkUsername(_ name: String) -> String? {
        guard (2...32).contains(name.count) else { return "Username must be 2 to 32 characters long." }
        guard name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }),
              let first = name.unicodeScalars.first, first != "-", first != "_" else {
            return "Username may use only letters, digits, '-' and '_', and must start with a letter or digit."
        }
        if reservedUsernames.contains(name.lowercased()) { return "That username is reserved; choose another." }
        return nil
    }

    public static let minimumPasswordLength = 10
    /// bcrypt reads at most 72 bytes; longer passwords would be silently cut, so they are refused instead.
    public static let maximumPasswordBytes = 72

    public static func checkPassword(_ password: String, username: String) -> String? {
        if password.count < minimumPasswordLength { return "Password must be at least \(minimumPasswordLength) characters long." }
        if password.utf8.count > maximumPasswordBytes { return "Password must be at most \(maximumPasswordBytes) bytes long." }
        // bcrypt reads its key up to the first NUL: "secret\0anything" would be the password "secret".
        if password.utf8.contains(0) { return "Password must not contain a NUL character." }
        if password.lowercased() == username.lowercased() { return "Password must not be the username." }
        if Set(password).count < 4 { return "Password is too repetitive; use at least four different characters." }
        return nil
    }

    public static func checkFullname(_ name: String) -> String? {
        if name.count > 80 { return "Full name must be at most 80 characters long." }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "Full name must not contain control characters."
        }
        return nil
    }
}
