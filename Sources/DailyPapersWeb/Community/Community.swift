import DailyPapersCore
import DailyPapersIngest
import DailyPapersJobs
import DailyPapersMail
import DailyPapersStore
import Foundation
import Logging

/// Everything the community routes use, built once per application.
struct Community: Sendable {
    let settings: CommunitySettings
    let site: SiteInfo
    let papers: PaperStore
    let accounts: AccountStore
    let sessions: SessionStore
    let tokens: AccountTokenStore
    let accessTokens: AccessTokenStore
    let votes: VoteStore
    let collections: CollectionStore
    let forYou: ForYouStore
    let follows: FollowStore
    let notifications: NotificationStore
    let comments: CommentStore
    let moderation: ModerationStore
    let claims: ClaimStore
    let submissions: SubmissionStore
    let hasher: PasswordHasher
    let limiter: RateLimiter
    let mail: Mailer
    /// Where account and subscription mail waits to be sent, after the response.
    let outbox: MailOutbox
    let mailFrom: MailAddress
    /// Looks a submitted id up where the database does not know it (the arXiv API); nil: database only.
    let fetchPaper: (@Sendable (ArxivID) async throws -> Paper?)?

    init(settings: CommunitySettings, site: SiteInfo, database: Database, mail: MailSettings, outbox: MailOutbox, logger: Logger) throws {
        self.settings = settings
        self.outbox = outbox
        self.site = site
        papers = PaperStore(database: database)
        accounts = AccountStore(database: database)
        sessions = SessionStore(database: database)
        tokens = AccountTokenStore(database: database)
        accessTokens = AccessTokenStore(database: database)
        votes = VoteStore(database: database, trending: settings.trending)
        collections = CollectionStore(database: database)
        forYou = ForYouStore(database: database)
        follows = FollowStore(database: database)
        notifications = NotificationStore(database: database)
        comments = CommentStore(database: database, trending: settings.trending)
        moderation = ModerationStore(database: database, trending: settings.trending)
        claims = ClaimStore(database: database)
        submissions = SubmissionStore(database: database, trending: settings.trending)
        hasher = try PasswordHasher(cost: settings.bcryptCost)
        limiter = RateLimiter(scale: settings.rateLimitScale)
        do { mailFrom = try MailAddress(mail.from, name: site.name) } catch {
            throw ConfigurationError(setting: "mail-from", problem: "'\(mail.from)' is \(error)")
        }
        self.mail = try mail.mailer(messageIDDomain: URL(string: site.publicURL)?.host ?? "localhost", logger: logger)
        if let api = settings.arxivAPI {
            var policy = PoliteHTTPClient.Policy()
            // Someone is waiting on the page: fail fast rather than retry for minutes.
            policy.maxAttempts = 2
            policy.timeout = .seconds(20)
            policy.initialBackoff = .seconds(2)
            let contact = settings.arxivContact.map { "; mailto:\($0)" } ?? ""
            let http = PoliteHTTPClient(userAgent: "DailyPapers/1.0 (\(site.publicURL)\(contact))", policy: policy, logger: logger)
            var endpoints = ArxivEndpoints()
            endpoints.api = api
            let client = ArxivAPIClient(http: http, endpoints: endpoints)
            fetchPaper = { id in try await client.papers(ids: [id]).first { $0.id.base == id.base } }
        } else {
            fetchPaper = nil
        }
    }

    var secureCookies: Bool { site.publicURL.hasPrefix("https://") }
}
