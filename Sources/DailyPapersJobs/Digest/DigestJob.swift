import DailyPapersCore
import DailyPapersMail
import DailyPapersStore
import Foundation
import Logging
import Metrics
import Synchronization

/// Sends the digest of one period to every active subscriber of its frequency, exactly once each.
///
/// 1. Plan: for each subscriber, pick the papers (trending order, their topics, none sent before) and
///    insert a `planned` delivery row keyed by (subscription, period), with a fixed Message-ID. A row that
///    exists already is kept as it is: a second run re-sends the same content, or nothing.
/// 2. Send each `planned` row: check the subscription is still active; hand the message to the transport;
///    when only the final step is left (the SMTP final dot), move the row to `sending` (one committed
///    statement); then `sent` on the server's 250. A run killed at any point and started again finds
///    `planned` rows (sent again, nothing reached the server) or `sending`/`sent` rows (never sent again).
public struct DigestJob: Sendable {
    public struct Options: Sendable {
        public var period: DigestPeriod
        public var dryRun = false
        /// Only this subscriber's address.
        public var only: String?
        /// Connections used at once.
        public var concurrency = 4
        /// Hard (5xx) failures in a row that suspend a subscription.
        public var hardFailureLimit = 3

        public init(period: DigestPeriod, dryRun: Bool = false, only: String? = nil, concurrency: Int = 4) {
            self.period = period
            self.dryRun = dryRun
            self.only = only
            self.concurrency = concurrency
        }
    }

    public struct Report: Sendable, Equatable, CustomStringConvertible {
        public var subscribers = 0
        public var sent = 0
        /// Done by an earlier run (sent, sending, skipped or failed before).
        public var alreadyHandled = 0
        public var skipped = 0
        public var failed = 0
        /// Transient failures: left `planned` for the next run.
        public var deferred = 0
        public var suspended = 0
        public var description: String {
            "\(subscribers) subscribers: \(sent) sent, \(alreadyHandled) done before, \(skipped) skipped, \(failed) refused, \(deferred) deferred, \(suspended) suspended"
        }
    }

    let papers: PaperStore
    let subscriptions: SubscriptionStore
    let deliveries: DeliveryStore
    let site: DigestSite
    let makeMailer: @Sendable () -> Mailer
    let logger: Logger

    public init(database: Database, site: DigestSite, logger: Logger, makeMailer: @escaping @Sendable () -> Mailer) {
        papers = PaperStore(database: database)
        subscriptions = SubscriptionStore(database: database)
        deliveries = DeliveryStore(database: database)
        self.site = site
        self.makeMailer = makeMailer
        self.logger = logger
    }

    /// The papers of the period in trending order: what every subscriber's digest is picked from.
    public func candidates(_ period: DigestPeriod) async throws -> [FeaturedPaper] {
        try await papers.featured(FeedQuery(period: period.feedPeriod, sort: .trending, limit: 1000))
    }

    public static func select(_ candidates: [FeaturedPaper], for s: SubscriptionStore.Subscription, alreadySent: Set<String>) -> [FeaturedPaper] {
        let picked = DigestSelection.select(candidates.map {
            DigestCandidate(id: $0.paper.id.base, title: $0.paper.title, abstract: $0.paper.abstract,
                            authors: $0.paper.authors.map(\.name), categories: $0.paper.categories, upvotes: $0.upvotes)
        }, preferences: s.preferences, alreadySent: alreadySent)
        let byID = Dictionary(candidates.map { ($0.paper.id.base, $0) }, uniquingKeysWith: { a, _ in a })
        return picked.compactMap { byID[$0.id] }
    }

    /// The message a subscriber would get for a period (admin preview, dry runs).
    public func preview(_ s: SubscriptionStore.Subscription, period: DigestPeriod) async throws -> MailMessage {
        let sent = try await deliveries.alreadySent(subscriptionIDs: [s.id])[s.id] ?? []
        let chosen = Self.select(try await candidates(period), for: s, alreadySent: sent)
        return DigestMail.render(papers: chosen, period: period, manageToken: s.manageToken, to: try MailAddress(s.email), site: site)
    }

    public func run(_ options: Options, progress: @escaping @Sendable (Report) -> Void = { _ in }) async throws -> Report {
        let period = options.period
        let all = try await candidates(period)
        // Each paper's part of the mail is the same for everyone: rendered once per run.
        let blocks = Dictionary(all.map { ($0.paper.id.base, DigestMail.PaperBlock($0, site: site)) }, uniquingKeysWith: { a, _ in a })
        let subscribers = try await subscriptions.active(period.frequency, email: options.only)
        let report = Locked(Report())
        report.withLock { $0.subscribers = subscribers.count }
        let batchSize = 1000
        for start in stride(from: 0, to: subscribers.count, by: batchSize) {
            let batch = Array(subscribers[start..<min(start + batchSize, subscribers.count)])
            let sent = try await deliveries.alreadySent(subscriptionIDs: batch.map(\.id))
            var plans: [DeliveryStore.Plan] = []
            for s in batch {
                let chosen = Self.select(all, for: s, alreadySent: sent[s.id] ?? [])
                plans.append(.init(subscriptionID: s.id, messageID: "<digest.\(period.key.replacingOccurrences(of: ":", with: "."))."
                                   + "\(s.id).\(UUID().uuidString.prefix(8).lowercased())@\(site.host)>", papers: chosen.map(\.paper.id.base)))
            }
            if options.dryRun {
                report.withLock { r in
                    for p in plans { if p.papers.isEmpty && !(batch.first { $0.id == p.subscriptionID }?.preferences.sendWhenEmpty ?? false) { r.skipped += 1 } else { r.sent += 1 } }
                }
                continue
            }
            let rows = try await deliveries.plan(plans, period: period.key)
            let subscriptionByID = Dictionary(batch.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let work = rows.filter { $0.status == .planned }
            report.withLock { $0.alreadyHandled += rows.count - work.count }
            let next = Locked(0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<max(1, min(options.concurrency, work.count)) {
                    group.addTask {
                        let mailer = makeMailer()
                        while true {
                            let i = next.withLock { n -> Int in defer { n += 1 }; return n }
                            guard i < work.count else { break }
                            let row = work[i]
                            guard let s = subscriptionByID[row.subscriptionID] else { continue }
                            let outcome = try await deliver(row, to: s, papers: row.papers.compactMap { blocks[$0] }, period: period,
                                                            mailer: mailer, hardFailureLimit: options.hardFailureLimit)
                            Self.counter(outcome).increment()
                            let snapshot = report.withLock { r -> Report in
                                switch outcome {
                                case .sent: r.sent += 1
                                case .skipped: r.skipped += 1
                                case .failed(let suspended): r.failed += 1; if suspended { r.suspended += 1 }
                                case .deferred: r.deferred += 1
                                case .alreadyHandled: r.alreadyHandled += 1
                                }
                                return r
                            }
                            progress(snapshot)
                        }
                        await mailer.transport.close()
                    }
                }
                try await group.waitForAll()
            }
        }
        return report.withLock { $0 }
    }

    enum Outcome { case sent, skipped, failed(suspended: Bool), deferred, alreadyHandled }

    /// `dailypapers_digest_deliveries_total{outcome=...}` on /metrics when the job runs inside `serve`.
    static func counter(_ outcome: Outcome) -> Counter {
        let name: String
        switch outcome {
        case .sent: name = "sent"
        case .skipped: name = "skipped"
        case .failed: name = "failed"
        case .deferred: name = "deferred"
        case .alreadyHandled: name = "already_handled"
        }
        return Counter(label: "dailypapers_digest_deliveries_total", dimensions: [("outcome", name)])
    }

    struct AlreadyHandled: Error {}

    func deliver(_ row: DeliveryStore.Delivery, to s: SubscriptionStore.Subscription, papers: [DigestMail.PaperBlock], period: DigestPeriod,
                 mailer: Mailer, hardFailureLimit: Int) async throws -> Outcome {
        let key = period.key
        if papers.isEmpty && !s.preferences.sendWhenEmpty {
            try await deliveries.move(s.id, period: key, from: [.planned], to: .skipped, error: "nothing matched")
            return .skipped
        }
        // Unsubscribed since the run began: not a single mail more.
        guard try await subscriptions.isActive(id: s.id) else {
            try await deliveries.move(s.id, period: key, from: [.planned], to: .skipped, error: "unsubscribed before sending")
            return .skipped
        }
        let address: MailAddress
        do { address = try MailAddress(s.email) } catch {
            try await deliveries.move(s.id, period: key, from: [.planned], to: .failed, error: "\(error)")
            return .failed(suspended: false)
        }
        let message = DigestMail.render(blocks: papers, period: period, manageToken: s.manageToken, to: address, site: site)
        let deliveries = self.deliveries
        do {
            try await mailer.send(message, messageID: row.messageID) { finalStep in
                guard try await deliveries.markSending(s.id, period: key, then: finalStep) else { throw AlreadyHandled() }
            }
        } catch is AlreadyHandled {
            return .alreadyHandled
        } catch let error as SMTPError {
            switch error {
            case .outcomeUnknown:
                logger.warning("digest to \(s.email): \(error); counted as sent")
                return .sent
            case .finalDotNotSent:
                // Committed as sending, but provably never handed over: back to planned for the next run.
                try await deliveries.move(s.id, period: key, from: [.sending], to: .planned, error: error.description, countAttempt: true)
                return .deferred
            case .rejected(_, let reply) where !reply.isTransient:
                try await deliveries.move(s.id, period: key, from: [.planned], to: .failed, error: error.description)
                let suspended = try await subscriptions.recordHardFailure(id: s.id, limit: hardFailureLimit)
                logger.error("digest to \(s.email) refused: \(error)\(suspended ? "; subscription suspended" : "")")
                return .failed(suspended: suspended)
            default:
                try await deliveries.move(s.id, period: key, from: [.planned], to: .planned, error: error.description, countAttempt: true)
                logger.warning("digest to \(s.email) deferred: \(error)")
                return .deferred
            }
        } catch {
            try await deliveries.move(s.id, period: key, from: [.planned], to: .planned, error: "\(error)", countAttempt: true)
            logger.warning("digest to \(s.email) deferred: \(error)")
            return .deferred
        }
        try await deliveries.move(s.id, period: key, from: [.sending], to: .sent)
        if s.hardFailures > 0 { try await subscriptions.clearHardFailures(id: s.id) }
        return .sent
    }
}

/// A value behind a lock that escaping closures can share.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}
