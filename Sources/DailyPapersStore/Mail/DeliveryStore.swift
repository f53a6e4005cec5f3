import DailyPapersCore
import Foundation
import NIOCore
import SQLKit

/// The deliveries record: one row per (subscription, period), written before anything is sent.
///
///     planned --(content handed over, final step pending)--> sending --(server said 250)--> sent
///        |                                                      (a crash here: counted as sent)
///        +--> skipped (nothing matched, or unsubscribed mid-run)     +--> failed (5xx: refused for good)
///
/// A run plans every row first (keeping an existing row and its message id and papers), so a second run
/// of the same period finds them and sends only what is still `planned`.
public struct DeliveryStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public enum Status: String, Sendable { case planned, sending, sent, skipped, failed }

    public struct Delivery: Sendable, Equatable {
        public var subscriptionID: Int
        public var period: String
        public var status: Status
        public var messageID: String
        public var papers: [String]
        public var attempts: Int
    }

    public struct Plan: Sendable {
        public var subscriptionID: Int
        public var messageID: String
        public var papers: [String]
        public init(subscriptionID: Int, messageID: String, papers: [String]) {
            self.subscriptionID = subscriptionID
            self.messageID = messageID
            self.papers = papers
        }
    }

    static func delivery(from row: any SQLRow) throws -> Delivery {
        Delivery(subscriptionID: try row.decode(column: "subscription_id", as: Int.self),
                 period: try row.decode(column: "period", as: String.self),
                 status: Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .planned,
                 messageID: try row.decode(column: "message_id", as: String.self),
                 papers: try RowDecoding.stringList(row, "papers"),
                 attempts: try row.decode(column: "attempts", as: Int.self))
    }

    /// A status test that no index can serve: without it SQLite walks the (period, status) index, every
    /// row of the period in that state (thousands in a run), instead of the primary key's few rows.
    static let statusIs = "status || '' = "

    /// Inserts the plans that have no row yet, in one transaction, and returns every row as stored now.
    public func plan(_ plans: [Plan], period: String, now: Timestamp = .now) async throws -> [Delivery] {
        guard !plans.isEmpty else { return [] }
        return try await database.write { db in
            for chunk in stride(from: 0, to: plans.count, by: 200).map({ Array(plans[$0..<min($0 + 200, plans.count)]) }) {
                var sql = SQLQueryString("INSERT INTO deliveries (subscription_id, period, status, message_id, papers, created_at, updated_at) VALUES ")
                for (i, p) in chunk.enumerated() {
                    if i > 0 { sql.appendLiteral(", ") }
                    sql.appendInterpolation(unsafeRaw: "(")
                    sql.appendInterpolation(bind: p.subscriptionID); sql.appendLiteral(", ")
                    sql.appendInterpolation(bind: period); sql.appendLiteral(", 'planned', ")
                    sql.appendInterpolation(bind: p.messageID); sql.appendLiteral(", ")
                    sql.appendInterpolation(bind: SubscriptionStore.json(p.papers)); sql.appendLiteral(", ")
                    sql.appendInterpolation(bind: now.millisecondsSince1970); sql.appendLiteral(", ")
                    sql.appendInterpolation(bind: now.millisecondsSince1970); sql.appendLiteral(")")
                }
                sql.appendLiteral(" ON CONFLICT (subscription_id, period) DO NOTHING")
                try await db.raw(sql).run()
            }
            let ids: [any Encodable & Sendable] = plans.map(\.subscriptionID)
            return try await db.raw("""
                SELECT subscription_id, period, status, message_id, papers, attempts FROM deliveries
                WHERE period = \(bind: period) AND subscription_id IN (\(binds: ids)) ORDER BY subscription_id
                """).all().map(Self.delivery(from:))
        }
    }

    /// Papers each subscription got in digests already handed over (`sending` or `sent`).
    public func alreadySent(subscriptionIDs: [Int]) async throws -> [Int: Set<String>] {
        guard !subscriptionIDs.isEmpty else { return [:] }
        let ids: [any Encodable & Sendable] = subscriptionIDs
        return try await database.read { db in
            var out: [Int: Set<String>] = [:]
            for row in try await db.raw("""
                SELECT subscription_id, papers FROM deliveries WHERE subscription_id IN (\(binds: ids)) AND status IN ('sending', 'sent')
                """).all() {
                let papers = try RowDecoding.stringList(row, "papers")
                out[try row.decode(column: "subscription_id", as: Int.self), default: []].formUnion(papers)
            }
            return out
        }
    }

    /// Moves a row from one state to another; false when it was not in `from` (another run got there first).
    /// One statement, committed on its own: the point of `sending` is to be durable before the final step.
    @discardableResult
    public func move(_ subscriptionID: Int, period: String, from: [Status], to: Status, error: String? = nil,
                     countAttempt: Bool = false, now: Timestamp = .now) async throws -> Bool {
        let states: [any Encodable & Sendable] = from.map(\.rawValue)
        return try await database.writeWithoutTransaction { db in
            try await db.raw("""
                UPDATE deliveries SET status = \(bind: to.rawValue), updated_at = \(bind: now.millisecondsSince1970),
                  last_error = COALESCE(\(bind: error), last_error), attempts = attempts + \(bind: countAttempt ? 1 : 0)
                WHERE subscription_id = \(bind: subscriptionID) AND period = \(bind: period) AND status IN (\(binds: states))
                RETURNING subscription_id
                """).first() != nil
        }
    }

    public struct SendingRequest: Sendable {
        public var subscriptionID: Int
        public var finalStep: @Sendable () -> EventLoopFuture<Void>
        public init(subscriptionID: Int, finalStep: @escaping @Sendable () -> EventLoopFuture<Void>) {
            self.subscriptionID = subscriptionID
            self.finalStep = finalStep
        }
    }

    public enum SendingStart: Sendable {
        /// Committed as `sending`; the final step was started, and this is its outcome.
        case started(EventLoopFuture<Void>)
        case notPlanned
        case inactive
    }

    /// `planned` -> `sending` for many rows in one statement, each only while its subscription is still
    /// active (so an unsubscription committed before it is always honoured): a group commit, one write for
    /// all the messages that reached their final step meanwhile. Each marked row's final step (the SMTP
    /// final dot) is started the moment the statement commits, and its outcome handed back as a future, so
    /// the writer is free again without waiting for the network. Rows not marked say why.
    public func markSending(_ requests: [SendingRequest], period: String, now: Timestamp = .now) async throws -> [Int: SendingStart] {
        guard !requests.isEmpty else { return [:] }
        let ids: [any Encodable & Sendable] = requests.map(\.subscriptionID)
        let started = try await database.autocommitChain { db -> EventLoopFuture<[Int: SendingStart]> in
            db.raw("""
                UPDATE deliveries SET status = 'sending', updated_at = \(bind: now.millisecondsSince1970)
                WHERE subscription_id IN (\(binds: ids)) AND period = \(bind: period) AND \(unsafeRaw: Self.statusIs)'planned'
                  AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = deliveries.subscription_id AND s.status = 'active')
                RETURNING subscription_id
                """).all().map { rows in
                let marked = Set(rows.compactMap { try? $0.decode(column: "subscription_id", as: Int.self) })
                var started: [Int: SendingStart] = [:]
                for r in requests where marked.contains(r.subscriptionID) { started[r.subscriptionID] = .started(r.finalStep()) }
                return started
            }
        }
        let unmarked: [any Encodable & Sendable] = requests.map(\.subscriptionID).filter { started[$0] == nil }
        guard !unmarked.isEmpty else { return started }
        // Rare: why a row was not marked (unsubscribed mid-run, or another run got there first).
        let active = try await database.read { db in
            Set(try await db.raw("SELECT id FROM subscriptions WHERE status = 'active' AND id IN (\(binds: unmarked))").all()
                .map { try $0.decode(column: "id", as: Int.self) })
        }
        var results = started
        for case let id as Int in unmarked { results[id] = active.contains(id) ? .notPlanned : .inactive }
        return results
    }

    /// `sending` -> `sent` for many rows in one statement. The server took these messages already; a
    /// crash before this commits leaves them `sending`, which is never sent again, so nothing repeats.
    public func markSent(_ subscriptionIDs: [Int], period: String, now: Timestamp = .now) async throws {
        guard !subscriptionIDs.isEmpty else { return }
        let ids: [any Encodable & Sendable] = subscriptionIDs
        try await database.writeWithoutTransaction { db in
            try await db.raw("""
                UPDATE deliveries SET status = 'sent', updated_at = \(bind: now.millisecondsSince1970)
                WHERE subscription_id IN (\(binds: ids)) AND period = \(bind: period) AND \(unsafeRaw: Self.statusIs)'sending'
                """).run()
        }
    }

    public struct Recent: Sendable {
        public var email: String
        public var period: String
        public var status: String
        public var papers: Int
        public var attempts: Int
        public var lastError: String?
        public var updatedAt: Timestamp
    }

    /// The latest deliveries, or only those that failed or are stuck, for the admin page.
    public func recent(limit: Int = 100, problemsOnly: Bool = false) async throws -> [Recent] {
        try await database.read { db in
            var sql = SQLQueryString("""
                SELECT s.email, d.period, d.status, d.papers, d.attempts, d.last_error, d.updated_at
                FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
                """)
            if problemsOnly { sql.appendLiteral(" WHERE d.status = 'failed' OR (d.status = 'planned' AND d.attempts > 0)") }
            sql.appendLiteral(" ORDER BY d.updated_at DESC LIMIT ")
            sql.appendInterpolation(bind: limit)
            return try await db.raw(sql).all().map { row in
                Recent(email: try row.decode(column: "email", as: String.self), period: try row.decode(column: "period", as: String.self),
                       status: try row.decode(column: "status", as: String.self),
                       papers: (try RowDecoding.stringList(row, "papers")).count,
                       attempts: try row.decode(column: "attempts", as: Int.self),
                       lastError: try RowDecoding.optional(row, "last_error", String.self),
                       updatedAt: Timestamp(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
            }
        }
    }

    public func counts(period: String) async throws -> [String: Int] {
        try await database.read { db in
            var out: [String: Int] = [:]
            for row in try await db.raw("SELECT status, COUNT(*) AS n FROM deliveries WHERE period = \(bind: period) GROUP BY status").all() {
                out[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return out
        }
    }
}
