import DailyPapersCore
import SQLKit

/// The fediverse's state: the instance's key, who follows which actor, remote actors' keys, what each actor has
/// published, and the queue of signed deliveries.
public struct FediverseStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    // MARK: The key

    /// The instance's RSA key (PEM), made once by `make` when there is none; racing processes keep the first.
    public func key(make: @Sendable () throws -> (privatePEM: String, publicPEM: String)) async throws -> (privatePEM: String, publicPEM: String) {
        if let kept = try await storedKey() { return kept }
        let made = try make()
        try await database.write { db in
            try await db.raw("""
                INSERT INTO ap_keys (name, private_pem, public_pem, created_at)
                VALUES ('main', \(bind: made.privatePEM), \(bind: made.publicPEM), \(bind: Timestamp.now.millisecondsSince1970))
                ON CONFLICT (name) DO NOTHING
                """).run()
        }
        return try await storedKey() ?? made
    }

    private func storedKey() async throws -> (privatePEM: String, publicPEM: String)? {
        try await database.read { db in
            try await db.raw("SELECT private_pem, public_pem FROM ap_keys WHERE name = 'main'").first().map {
                (try $0.decode(column: "private_pem", as: String.self), try $0.decode(column: "public_pem", as: String.self))
            }
        }
    }

    // MARK: Followers

    public static let followersPerActor = 100_000

    /// A remote account follows one of the actors (again: its inbox and Follow id are updated).
    public func follow(actor: String, follower: String, inbox: String, followID: String, now: Timestamp = .now) async throws {
        try await database.write { db in
            try await db.raw("""
                INSERT INTO ap_followers (actor, follower, inbox, follow_id, created_at)
                VALUES (\(bind: actor), \(bind: follower), \(bind: inbox), \(bind: followID), \(bind: now.millisecondsSince1970))
                ON CONFLICT (actor, follower) DO UPDATE SET inbox = excluded.inbox, follow_id = excluded.follow_id
                """).run()
        }
    }

    /// The follow ends (Undo); `actor` nil: every follow of the remote account (it was deleted).
    @discardableResult
    public func unfollow(actor: String?, follower: String) async throws -> Int {
        try await database.write { db in
            let rows = if let actor {
                try await db.raw("DELETE FROM ap_followers WHERE actor = \(bind: actor) AND follower = \(bind: follower) RETURNING actor").all()
            } else {
                try await db.raw("DELETE FROM ap_followers WHERE follower = \(bind: follower) RETURNING actor").all()
            }
            return rows.count
        }
    }

    public func followerCount(actor: String) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM ap_followers WHERE actor = \(bind: actor)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// The inboxes to deliver an actor's activities to, each once.
    public func inboxes(actor: String) async throws -> [String] {
        try await database.read { db in
            try await db.raw("SELECT DISTINCT inbox FROM ap_followers WHERE actor = \(bind: actor) ORDER BY inbox").all()
                .map { try $0.decode(column: "inbox", as: String.self) }
        }
    }

    /// Actors that have followers, of those given.
    public func followed(among actors: [String]) async throws -> Set<String> {
        guard !actors.isEmpty else { return [] }
        let binds: [any Encodable & Sendable] = actors
        return try await database.read { db in
            Set(try await db.raw("SELECT DISTINCT actor FROM ap_followers WHERE actor IN (\(binds: binds))").all()
                .map { try $0.decode(column: "actor", as: String.self) })
        }
    }

    /// A banned member's actor publishes nothing more.
    public func isBanned(username: String) async throws -> Bool {
        try await database.read { db in
            try await db.raw("SELECT 1 AS one FROM users WHERE lower(username) = lower(\(bind: username)) AND banned_at IS NOT NULL").first() != nil
        }
    }

    // MARK: Remote actors

    public struct RemoteActor: Sendable, Equatable {
        public let id: String
        public let inbox: String
        public let sharedInbox: String?
        public let keyID: String
        public let publicPEM: String
        public let fetchedAt: Timestamp
        public init(id: String, inbox: String, sharedInbox: String?, keyID: String, publicPEM: String, fetchedAt: Timestamp) {
            self.id = id
            self.inbox = inbox
            self.sharedInbox = sharedInbox
            self.keyID = keyID
            self.publicPEM = publicPEM
            self.fetchedAt = fetchedAt
        }
    }

    public func remoteActor(id: String) async throws -> RemoteActor? { try await remoteActor("id", id) }

    private func remoteActor(_ column: String, _ value: String) async throws -> RemoteActor? {
        try await database.read { db in
            try await db.raw("SELECT * FROM ap_remote_actors WHERE \(unsafeRaw: column) = \(bind: value) LIMIT 1").first().map { row in
                RemoteActor(id: try row.decode(column: "id", as: String.self), inbox: try row.decode(column: "inbox", as: String.self),
                            sharedInbox: try row.decode(column: "shared_inbox", as: String?.self),
                            keyID: try row.decode(column: "key_id", as: String.self),
                            publicPEM: try row.decode(column: "public_pem", as: String.self),
                            fetchedAt: Timestamp(millisecondsSince1970: try row.decode(column: "fetched_at", as: Int64.self)))
            }
        }
    }

    public func keep(_ actor: RemoteActor) async throws {
        try await database.write { db in
            try await db.raw("""
                INSERT INTO ap_remote_actors (id, inbox, shared_inbox, key_id, public_pem, fetched_at)
                VALUES (\(bind: actor.id), \(bind: actor.inbox), \(bind: actor.sharedInbox), \(bind: actor.keyID), \(bind: actor.publicPEM),
                        \(bind: actor.fetchedAt.millisecondsSince1970))
                ON CONFLICT (id) DO UPDATE SET inbox = excluded.inbox, shared_inbox = excluded.shared_inbox, key_id = excluded.key_id,
                  public_pem = excluded.public_pem, fetched_at = excluded.fetched_at
                """).run()
        }
    }

    // MARK: Publishing and the queue

    /// Marks the papers as published by the actor; returns those that were not yet (each is announced once).
    public func markPublished(actor: String, papers: [String], now: Timestamp = .now) async throws -> [String] {
        guard !papers.isEmpty else { return [] }
        // A round sees mostly papers published before: those are read, not written again (no write, no writer lock).
        let binds: [any Encodable & Sendable] = papers
        let known = try await database.read { db in
            Set(try await db.raw("SELECT paper_id FROM ap_published WHERE actor = \(bind: actor) AND paper_id IN (\(binds: binds))").all()
                .map { try $0.decode(column: "paper_id", as: String.self) })
        }
        let unknown = papers.filter { !known.contains($0) }
        guard !unknown.isEmpty else { return [] }
        return try await database.write { db in
            var fresh: [String] = []
            for paper in unknown {
                if try await db.raw("""
                    INSERT INTO ap_published (actor, paper_id, published_at) VALUES (\(bind: actor), \(bind: paper), \(bind: now.millisecondsSince1970))
                    ON CONFLICT (actor, paper_id) DO NOTHING RETURNING paper_id
                    """).first() != nil { fresh.append(paper) }
            }
            return fresh
        }
    }

    /// Queues an activity for each inbox, once per inbox and activity id (a second enqueue is ignored).
    public func enqueue(activityID: String, activity: String, inboxes: [String], now: Timestamp = .now) async throws {
        guard !inboxes.isEmpty else { return }
        try await database.write { db in
            for inbox in inboxes {
                try await db.raw("""
                    INSERT INTO ap_deliveries (inbox, activity_id, activity, attempts, next_attempt_at, created_at)
                    VALUES (\(bind: inbox), \(bind: activityID), \(bind: activity), 0, \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
                    ON CONFLICT (inbox, activity_id) DO NOTHING
                    """).run()
            }
        }
    }

    public struct Delivery: Sendable, Equatable {
        public let id: Int
        public let inbox: String
        public let activityID: String
        public let activity: String
        public let attempts: Int
        public let createdAt: Timestamp
    }

    /// Deliveries due now, oldest due first.
    public func due(limit: Int, now: Timestamp = .now) async throws -> [Delivery] {
        try await database.read { db in
            try await db.raw("""
                SELECT id, inbox, activity_id, activity, attempts, created_at FROM ap_deliveries
                WHERE next_attempt_at <= \(bind: now.millisecondsSince1970) ORDER BY next_attempt_at, id LIMIT \(bind: limit)
                """).all().map { row in
                Delivery(id: try row.decode(column: "id", as: Int.self), inbox: try row.decode(column: "inbox", as: String.self),
                         activityID: try row.decode(column: "activity_id", as: String.self),
                         activity: try row.decode(column: "activity", as: String.self),
                         attempts: try row.decode(column: "attempts", as: Int.self),
                         createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
            }
        }
    }

    public func delivered(_ delivery: Delivery) async throws {
        try await database.write { db in try await db.raw("DELETE FROM ap_deliveries WHERE id = \(bind: delivery.id)").run() }
    }

    public func retry(_ delivery: Delivery, at: Timestamp, error: String) async throws {
        try await database.write { db in
            try await db.raw("""
                UPDATE ap_deliveries SET attempts = attempts + 1, next_attempt_at = \(bind: at.millisecondsSince1970),
                  last_error = \(bind: String(error.prefix(500))) WHERE id = \(bind: delivery.id)
                """).run()
        }
    }

    /// An inbox that is gone (410, or failing past the give-up time): its queued deliveries and its followers go.
    public func dropInbox(_ inbox: String) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM ap_deliveries WHERE inbox = \(bind: inbox)").run()
            try await db.raw("DELETE FROM ap_followers WHERE inbox = \(bind: inbox)").run()
        }
    }

    public func queued() async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM ap_deliveries").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
