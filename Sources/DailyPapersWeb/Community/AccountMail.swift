import DailyPapersMail

/// The account mails, each a function from values to a message (plain text: these are transactional
/// notes with one link, readable in any client).
enum AccountMail {
    static func verify(to: MailAddress, from: MailAddress, username: String, link: String, site: String) -> MailMessage {
        MailMessage(from: from, to: to, subject: "Confirm your email for \(site)", text: """
            Hello @\(username),

            Confirm this address for your \(site) account by opening:

            \(link)

            The link works once, for 48 hours. If you did not sign up, ignore this mail.
            """)
    }

    static func reset(to: MailAddress, from: MailAddress, username: String, link: String, site: String) -> MailMessage {
        MailMessage(from: from, to: to, subject: "Reset your \(site) password", text: """
            Hello @\(username),

            Someone (we hope you) asked to reset the password of your \(site) account. Choose a new one at:

            \(link)

            The link works once, for one hour. If you did not ask, ignore this mail: your password is unchanged.
            """)
    }

    /// Sent instead of a second account when someone signs up with an address that has one already,
    /// so the sign-up page never tells a stranger which addresses are registered.
    static func alreadyRegistered(to: MailAddress, from: MailAddress, username: String, resetLink: String, site: String) -> MailMessage {
        MailMessage(from: from, to: to, subject: "You already have a \(site) account", text: """
            Hello,

            Someone tried to sign up for \(site) with this address, which already belongs to @\(username).
            If it was you, log in, or reset your password at:

            \(resetLink)

            If it was not you, ignore this mail.
            """)
    }
}
