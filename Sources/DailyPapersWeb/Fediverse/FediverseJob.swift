import DailyPapersCore
import DailyPapersJobs
import DailyPapersStore
import Foundation
import Logging

/// A round of the fediverse's work, run by one process (the lease): first each actor's new papers are published
/// (a Create per paper and follower inbox, queued once: `ap_published` and the queue's unique key), then due
/// deliveries are posted, signed. A delivery that fails is tried again after 1, 2, 4... minutes (at most 6 hours
/// apart); an inbox answering 410 Gone, or failing every delivery for 3 days, is dropped with its followers.
struct FediverseJob: Sendable {
    let store: PaperStore
    let fediverse: FediverseStore
    let client: FediverseClient
    let trendingWindowDays: Int
    let logger: Logger

    /// Papers featured this recently are announced; older ones are in the outboxes only.
    static let publishWindow: Double = 2 * 86_400
    static let trendingTop = 10
    static let deliveriesPerRound = 200
    static let giveUpAfter: Double = 3 * 86_400

    struct Report: Sendable, CustomStringConvertible {
        var queued = 0
        var delivered = 0
        var failed = 0
        var dropped = 0
        var description: String { "queued \(queued), delivered \(delivered), to retry \(failed), inboxes dropped \(dropped)" }
        var isEmpty: Bool { queued + delivered + failed + dropped == 0 }
    }

    func run(now: Timestamp = .now) async throws -> Report {
        var report = Report()
        report.queued = try await publish(now: now)
        try await deliver(now: now, into: &report)
        return report
    }

    /// Queues each new paper of each actor to its followers' inboxes.
    func publish(now: Timestamp) async throws -> Int {
        let since = now.adding(seconds: -Self.publishWindow)
        let recent = try await store.featured(FeedQuery(sort: .newest, limit: 500)).filter { $0.submittedAt >= since }
        var byActor: [FediverseActor: [FeaturedPaper]] = [:]
        for f in recent {
            byActor[.daily, default: []].append(f)
            for category in f.paper.categories { byActor[.category(category), default: []].append(f) }
            if let by = f.submittedBy { byActor[.member(by), default: []].append(f) }
        }
        // A banned member's actor publishes nothing more (asked once per submitter a round).
        for actor in byActor.keys {
            if case .member(let user) = actor, try await fediverse.isBanned(username: user.username) { byActor[actor] = nil }
        }
        let trending = try await store.featured(FeedQuery(sort: .trending, trendingWindowDays: trendingWindowDays, limit: Self.trendingTop))
        byActor[.trending] = trending
        var queued = 0
        for (actor, papers) in byActor {
            // Marked whether followed or not: a new follower gets what is published from then on, not a backlog.
            let fresh = Set(try await fediverse.markPublished(actor: actor.name, papers: papers.map(\.paper.id.base), now: now))
            guard !fresh.isEmpty else { continue }
            let inboxes = try await fediverse.inboxes(actor: actor.name)
            guard !inboxes.isEmpty else { continue }
            for f in papers where fresh.contains(f.paper.id.base) {
                let activity = client.site.create(actor, f)
                try await fediverse.enqueue(activityID: activity["id"] as! String, activity: FediverseSite.json(activity), inboxes: inboxes, now: now)
                queued += inboxes.count
            }
        }
        return queued
    }

    func deliver(now: Timestamp, into report: inout Report) async throws {
        for delivery in try await fediverse.due(limit: Self.deliveriesPerRound, now: now) {
            try Task.checkCancellation()
            // Signed as the actor whose activity it is.
            let keyName = Self.actorName(of: delivery.activity, site: client.site) ?? "daily"
            do {
                let status = try await client.post(delivery.activity, to: delivery.inbox, keyName: keyName)
                switch status {
                case 200..<300:
                    try await fediverse.delivered(delivery)
                    report.delivered += 1
                    continue
                case 410:
                    try await fediverse.dropInbox(delivery.inbox)
                    report.dropped += 1
                    continue
                default:
                    try await failed(delivery, "HTTP \(status)", now: now, into: &report)
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                try await failed(delivery, "\(error)", now: now, into: &report)
            }
        }
    }

    private func failed(_ delivery: FediverseStore.Delivery, _ error: String, now: Timestamp, into report: inout Report) async throws {
        if now.millisecondsSince1970 - delivery.createdAt.millisecondsSince1970 > Int64(Self.giveUpAfter * 1000) {
            logger.notice("fediverse: dropping \(delivery.inbox), failing for 3 days (\(error))")
            try await fediverse.dropInbox(delivery.inbox)
            report.dropped += 1
            return
        }
        let wait = min(60 * pow(2, Double(delivery.attempts)), 6 * 3600)
        try await fediverse.retry(delivery, at: now.adding(seconds: wait), error: error)
        report.failed += 1
    }

    static func actorName(of activity: String, site: FediverseSite) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(activity.utf8))) as? [String: Any],
              let actor = object["actor"] as? String, actor.hasPrefix(site.publicURL + "/ap/actors/") else { return nil }
        return String(actor.dropFirst((site.publicURL + "/ap/actors/").count)).removingPercentEncoding
    }

    func recurring(every interval: Duration, exclusive: ExclusiveJob, logger: Logger) -> RecurringJob {
        RecurringJob(name: "fediverse", every: interval, firstAfter: min(interval, .seconds(60)), exclusive: exclusive, logger: logger) {
            let report = try await run()
            return report.isEmpty ? nil : .init(report.description, problem: report.failed > 0)
        }
    }
}
