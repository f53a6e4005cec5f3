import DailyPapersCore
import DailyPapersMail
import DailyPapersStore
import Foundation
import Logging
import Metrics
import NIOCore
import NIOPosix
import Synchronization

/// Sends the digest of one period to every active subscriber of its frequency, exactly once each.
///
/// 1. Plan: for each subscriber, pick the papers (trending order, their topics, none sent before) and
///    insert a `planned` delivery row keyed by (subscription, period), with a fixed Message-ID. A row that
///    exists already is kept as it is: a second run re-sends the same content, or nothing.
/// 2. Send each `planned` row: hand the message to the transport; when only the final step is left (the
///    SMTP final dot), move the row to `sending` if the subscription is still active (a group commit with
///    the other messages at that point); then `sent` on the server's 250 (marked in batches). A run killed
///    at any point and started again finds `planned` rows (sent again, nothing reached the server) or
///    `sending`/`sent` rows (never sent again).
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
    let forYou: ForYouStore
    let follows: FollowStore
    let subscriptions: SubscriptionStore
    let deliveries: DeliveryStore
    let site: DigestSite
    let makeMailer: @Sendable () -> Mailer
    let logger: Logger

    public init(database: Database, site: DigestSite, logger: Logger, makeMailer: @escaping @Sendable () -> Mailer) {
        papers = PaperStore(database: database)
        forYou = ForYouStore(database: database)
        follows = FollowStore(database: database)
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
        var selector = Selector(candidates)
        return selector.select(for: s, alreadySent: alreadySent)
    }

    /// Picks for many subscribers from the same candidates (see `DigestSelector`).
    struct Selector: Sendable {
        let papers: [FeaturedPaper]
        var selector: DigestSelector
        let position: [String: Int]

        init(_ candidates: [FeaturedPaper]) {
            papers = candidates
            selector = DigestSelector(candidates.map {
                DigestCandidate(id: $0.paper.id.base, title: $0.paper.title, abstract: $0.paper.abstract,
                                authors: $0.paper.authors.map(\.name), categories: $0.paper.categories, upvotes: $0.upvotes)
            })
            position = Dictionary(candidates.enumerated().map { ($1.paper.id.base, $0) }, uniquingKeysWith: { a, _ in a })
        }

        mutating func select(for s: SubscriptionStore.Subscription, alreadySent: Set<String>) -> [FeaturedPaper] {
            selector.select(preferences: s.preferences, alreadySent: alreadySent).compactMap { position[$0.id].map { papers[$0] } }
        }
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
        let selector = Locked(Selector(all))
        let batches = stride(from: 0, to: subscribers.count, by: 1000).map { Array(subscribers[$0..<min($0 + 1000, subscribers.count)]) }

        if options.dryRun {
            for batch in batches {
                let sent = try await deliveries.alreadySent(subscriptionIDs: batch.map(\.id))
                report.withLock { r in
                    for s in batch {
                        let chosen = selector.withLock { $0.select(for: s, alreadySent: sent[s.id] ?? []) }
                        if chosen.isEmpty && !s.preferences.sendWhenEmpty { r.skipped += 1 } else { r.sent += 1 }
                    }
                }
            }
            return report.withLock { $0 }
        }

        // Senders keep their connection for the whole run and take work as the planner records it, so
        // there is no pause between batches.
        let mailers = (0..<max(1, options.concurrency)).map { _ in makeMailer() }
        let sentMarks = SentMarks(deliveries: deliveries, period: period.key)
        let sendingCommits = SendingCommits(deliveries: deliveries, period: period.key)
        let renderThreads = NIOThreadPool(numberOfThreads: System.coreCount)
        renderThreads.start()
        defer { renderThreads.shutdownGracefully { _ in } }
        let queue = WorkQueue<Work>()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for batch in batches {
                            let work = try await plan(batch, period: period, selector: selector)
                            let todo = work.filter { $0.row.status == .planned }
                            report.withLock { $0.alreadyHandled += work.count - todo.count }
                            queue.push(todo)
                        }
                        queue.finish()
                    } catch {
                        queue.abort()  // the senders end too
                        throw error
                    }
                }
                for mailer in mailers {
                    group.addTask {
                        do {
                            while let w = await queue.next() {
                                try await send(w, blocks: blocks, period: period, mailer: mailer, options: options, sentMarks: sentMarks,
                                               sendingCommits: sendingCommits, renderThreads: renderThreads, report: report, progress: progress)
                            }
                        } catch {
                            queue.abort()
                            throw error
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await sentMarks.flush()
        } catch {
            try? await sentMarks.flush()
            for m in mailers { await m.transport.close() }
            throw error
        }
        for m in mailers { await m.transport.close() }
        return report.withLock { $0 }
    }

    /// A planned (or earlier) delivery row with its subscriber.
    struct Work: Sendable {
        var row: DeliveryStore.Delivery
        var subscriber: SubscriptionStore.Subscription
    }

    /// Picks each subscriber's papers and records the plan; rows planned by an earlier run are kept as they were.
    private func plan(_ batch: [SubscriptionStore.Subscription], period: DigestPeriod, selector: Locked<Selector>) async throws -> [Work] {
        let sent = try await deliveries.alreadySent(subscriptionIDs: batch.map(\.id))
        let idPrefix = "<digest.\(period.key.replacingOccurrences(of: ":", with: "."))."
        var plans = selector.withLock { selector in
            batch.map { s in
                DeliveryStore.Plan(subscriptionID: s.id, messageID: idPrefix + "\(s.id).\(RandomTag.hex(bytes: 4))@\(site.host)>",
                                   papers: selector.select(for: s, alreadySent: sent[s.id] ?? []).map(\.paper.id.base))
            }
        }
        // A member's own sections, for those who asked: ranked among the period's papers, after the trending ones,
        // recorded in the plan (between markers) so a later run sends the same mail.
        let candidates = selector.withLock { $0.papers }
        for (i, s) in batch.enumerated() where s.preferences.personalSections {
            guard let userID = s.userID else { continue }
            var taken = Set(plans[i].papers).union(sent[s.id] ?? [])
            let open = candidates.filter { !taken.contains($0.paper.id.base) }
            let mine = try await forYou.rank(userID: userID, among: open.map(\.paper.id.base), limit: DigestSection.size)
            taken.formUnion(mine)
            let followed = try await follows.matching(userID: userID, among: open.filter { !taken.contains($0.paper.id.base) }, limit: DigestSection.size)
            if !mine.isEmpty { plans[i].papers += [DigestSection.forYou.marker] + mine }
            if !followed.isEmpty { plans[i].papers += [DigestSection.following.marker] + followed }
        }
        let rows = try await deliveries.plan(plans, period: period.key)
        let byID = Dictionary(batch.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return rows.compactMap { row in byID[row.subscriptionID].map { Work(row: row, subscriber: $0) } }
    }

    private func send(_ w: Work, blocks: [String: DigestMail.PaperBlock], period: DigestPeriod, mailer: Mailer, options: Options,
                      sentMarks: SentMarks, sendingCommits: SendingCommits, renderThreads: NIOThreadPool, report: Locked<Report>,
                      progress: @escaping @Sendable (Report) -> Void) async throws {
        let (main, sections) = DigestSection.split(w.row.papers)
        let outcome = try await deliver(w.row, to: w.subscriber, papers: main.compactMap { blocks[$0] },
                                        sections: sections.map { ($0.section.title, $0.papers.compactMap { blocks[$0] }) }, period: period,
                                        mailer: mailer, hardFailureLimit: options.hardFailureLimit, sentMarks: sentMarks,
                                        sendingCommits: sendingCommits, renderThreads: renderThreads)
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

    /// The row was not marked `sending`: unsubscribed mid-run (`inactive`), or another run got there first.
    struct NotMarked: Error { let inactive: Bool }

    func deliver(_ row: DeliveryStore.Delivery, to s: SubscriptionStore.Subscription, papers: [DigestMail.PaperBlock],
                 sections: [(title: String, papers: [DigestMail.PaperBlock])] = [], period: DigestPeriod,
                 mailer: Mailer, hardFailureLimit: Int, sentMarks: SentMarks,
                 sendingCommits: SendingCommits, renderThreads: NIOThreadPool) async throws -> Outcome {
        let key = period.key
        if papers.isEmpty && sections.allSatisfy(\.papers.isEmpty) && !s.preferences.sendWhenEmpty {
            try await deliveries.move(s.id, period: key, from: [.planned], to: .skipped, error: "nothing matched")
            return .skipped
        }
        let address: MailAddress
        do { address = try MailAddress(s.email) } catch {
            try await deliveries.move(s.id, period: key, from: [.planned], to: .failed, error: "\(error)")
            return .failed(suspended: false)
        }
        let site = self.site
        do {
            // Rendering and signing (the CPU-heavy part) run on threads of their own: on the shared task
            // threads they would queue every network and database continuation behind them.
            let prepared = try await renderThreads.runIfActive {
                try mailer.prepare(DigestMail.render(blocks: papers, sections: sections, period: period, manageToken: s.manageToken, to: address, site: site),
                                   messageID: row.messageID)
            }
            try await mailer.transport.deliver(prepared) { finalStep in
                switch try await sendingCommits.mark(s.id, then: finalStep) {
                case .started(let finalStepDone): try await finalStepDone.get()
                case .notPlanned: throw NotMarked(inactive: false)
                case .inactive: throw NotMarked(inactive: true)
                }
            }
        } catch let notMarked as NotMarked {
            guard notMarked.inactive else { return .alreadyHandled }
            // Unsubscribed since the run began: not a single mail more (checked in the statement that commits).
            try await deliveries.move(s.id, period: key, from: [.planned], to: .skipped, error: "unsubscribed before sending")
            return .skipped
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
        try await sentMarks.add(s.id)
        if s.hardFailures > 0 { try await subscriptions.clearHardFailures(id: s.id) }
        return .sent
    }
}
