import DailyPapersCore
import Foundation
import SQLKit

/// A member's saved papers and named collections (issue 28, item 1). "Saved" is a collection like the others, made
/// the first time the member saves a paper, so a saved paper takes a note, an order and an export as any collection's
/// do. A collection is private unless its member makes it public; a private one is found by its member alone (to
/// anyone else it does not exist). Collections are named in URLs by a random slug, so their number says nothing.
public struct CollectionStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public struct Collection: Sendable, Equatable {
        public let id: Int
        public let slug: String
        public let owner: String
        public let ownerID: Int
        public var name: String
        public var description: String
        public var isPublic: Bool
        /// The member's "Saved" collection.
        public let isSaved: Bool
        public let createdAt: Timestamp
        public var updatedAt: Timestamp
        public var paperCount: Int
    }

    public struct Item: Sendable {
        public let paper: PaperRecord
        public let note: String
        public let addedAt: Timestamp
    }

    /// Bounds that keep one member's share of the database and of a page small.
    public static let perMember = 100
    public static let papersPerCollection = 1000
    public static let nameLength = 100
    public static let descriptionLength = 1000
    public static let noteLength = 1000
    public static let savedName = "Saved"

    public enum Problem: Error, Equatable {
        case badName, descriptionTooLong, noteTooLong, tooManyCollections, collectionFull
        /// No such paper here, or no such collection of this member.
        case noPaper, noCollection
        /// "Saved" is kept while the member is (it can be emptied).
        case savedCannotBeDeleted
    }

    // MARK: Saving

    /// Saves or unsaves a paper in the member's "Saved" collection (made at the first save). Returns whether the
    /// paper is saved now and whether this call changed that.
    public func setSaved(userID: Int, paper: ArxivID, saved: Bool, now: Timestamp = .now) async throws -> (saved: Bool, changed: Bool) {
        try await database.write { db in
            if saved {
                let collection = try await Self.savedCollection(userID: userID, create: true, now: now, on: db)!
                let changed = try await Self.add(paper.base, note: "", to: collection, now: now, on: db)
                return (true, changed)
            }
            guard let collection = try await Self.savedCollection(userID: userID, create: false, now: now, on: db) else { return (false, false) }
            return (false, try await Self.remove(paper.base, from: collection, now: now, on: db))
        }
    }

    /// The slug of the member's "Saved" collection, made now if they have none.
    public func savedSlug(userID: Int, now: Timestamp = .now) async throws -> String {
        try await database.write { db in
            let id = try await Self.savedCollection(userID: userID, create: true, now: now, on: db)!
            return try await Self.collection(id: id, on: db)!.slug
        }
    }

    /// Which of `papers` (base ids) the member has saved: one query for a page of cards.
    public func savedPapers(userID: Int, among papers: [String]) async throws -> Set<String> {
        guard !papers.isEmpty else { return [] }
        let binds: [any Encodable & Sendable] = papers
        return try await database.read { db in
            Set(try await db.raw("""
                SELECT cp.paper_id FROM collection_papers cp JOIN collections c ON c.id = cp.collection_id
                WHERE c.user_id = \(bind: userID) AND c.is_saved = 1 AND cp.paper_id IN (\(binds: binds))
                """).all().map { try $0.decode(column: "paper_id", as: String.self) })
        }
    }

    // MARK: Collections

    /// Makes a collection (private unless `isPublic`).
    public func create(userID: Int, name: String, description: String = "", isPublic: Bool = false, now: Timestamp = .now) async throws -> Collection {
        let name = try Self.checkedName(name)
        let description = try Self.checkedDescription(description)
        return try await database.write { db in
            // Two creations at once count one after the other (SQLite's writer does this by itself).
            if db.isPostgres { try await db.raw("SELECT id FROM users WHERE id = \(bind: userID) FOR UPDATE").run() }
            let count = try await db.raw("SELECT count(*) AS n FROM collections WHERE user_id = \(bind: userID)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            guard count < Self.perMember else { throw Problem.tooManyCollections }
            let id = try await Self.insert(userID: userID, name: name, description: description, isPublic: isPublic, isSaved: false, now: now, on: db)
            return try await Self.collection(id: id, on: db)!
        }
    }

    /// Renames, describes, or makes public or private one of the member's collections.
    public func update(userID: Int, slug: String, name: String? = nil, description: String? = nil, isPublic: Bool? = nil,
                       now: Timestamp = .now) async throws -> Collection {
        let name = try name.map(Self.checkedName)
        let description = try description.map(Self.checkedDescription)
        return try await database.write { db in
            guard let c = try await Self.owned(slug, userID: userID, on: db) else { throw Problem.noCollection }
            try await db.raw("""
                UPDATE collections SET name = \(bind: name ?? c.name), description = \(bind: description ?? c.description),
                  is_public = \(bind: (isPublic ?? c.isPublic) ? 1 : 0), updated_at = \(bind: now.millisecondsSince1970)
                WHERE id = \(bind: c.id)
                """).run()
            return try await Self.collection(id: c.id, on: db)!
        }
    }

    /// Deletes one of the member's collections and its list (not the papers).
    public func delete(userID: Int, slug: String) async throws {
        try await database.write { db in
            guard let c = try await Self.owned(slug, userID: userID, on: db) else { throw Problem.noCollection }
            guard !c.isSaved else { throw Problem.savedCannotBeDeleted }
            try await db.raw("DELETE FROM collection_papers WHERE collection_id = \(bind: c.id)").run()
            try await db.raw("DELETE FROM collections WHERE id = \(bind: c.id)").run()
        }
    }

    /// Adds a paper (any paper this instance holds, featured or not) with a note, at the end; a paper already there
    /// keeps its place and takes the new note if one is given. Returns whether it was added.
    @discardableResult
    public func add(userID: Int, slug: String, paper: ArxivID, note: String = "", now: Timestamp = .now) async throws -> Bool {
        let note = try Self.checkedNote(note)
        return try await database.write { db in
            guard let c = try await Self.owned(slug, userID: userID, on: db) else { throw Problem.noCollection }
            let added = try await Self.add(paper.base, note: note, to: c.id, now: now, on: db)
            if !added, !note.isEmpty {
                try await db.raw("""
                    UPDATE collection_papers SET note = \(bind: note) WHERE collection_id = \(bind: c.id) AND paper_id = \(bind: paper.base)
                    """).run()
            }
            return added
        }
    }

    /// Takes a paper out of one of the member's collections; false when it was not there.
    @discardableResult
    public func remove(userID: Int, slug: String, paper: ArxivID, now: Timestamp = .now) async throws -> Bool {
        try await database.write { db in
            guard let c = try await Self.owned(slug, userID: userID, on: db) else { throw Problem.noCollection }
            return try await Self.remove(paper.base, from: c.id, now: now, on: db)
        }
    }

    /// Sets the note of a paper in one of the member's collections (empty: none).
    public func setNote(userID: Int, slug: String, paper: ArxivID, note: String, now: Timestamp = .now) async throws {
        let note = try Self.checkedNote(note)
        try await database.write { db in
            guard let c = try await Self.owned(slug, userID: userID, on: db) else { throw Problem.noCollection }
            let rows = try await db.raw("""
                UPDATE collection_papers SET note = \(bind: note) WHERE collection_id = \(bind: c.id) AND paper_id = \(bind: paper.base)
                RETURNING paper_id
                """).all()
            guard !rows.isEmpty else { throw Problem.noPaper }
            try await Self.touch(c.id, now: now, on: db)
        }
    }

    /// Moves a paper of one of the member's collections to `index` (0 first; past the end: last), the others
    /// keeping their order.
    public func move(userID: Int, slug: String, paper: ArxivID, to index: Int, now: Timestamp = .now) async throws {
        try await database.write { db in
            guard let c = try await Self.owned(slug, userID: userID, on: db) else { throw Problem.noCollection }
            var order = try await db.raw("""
                SELECT paper_id FROM collection_papers WHERE collection_id = \(bind: c.id) ORDER BY position, added_at, paper_id
                """).all().map { try $0.decode(column: "paper_id", as: String.self) }
            guard let from = order.firstIndex(of: paper.base) else { throw Problem.noPaper }
            order.remove(at: from)
            order.insert(paper.base, at: min(max(index, 0), order.count))
            // At most `papersPerCollection` rows: numbered again, in one statement.
            let ids = order.joined(separator: " ")
            if db.isPostgres {
                try await db.raw("""
                    UPDATE collection_papers cp SET position = o.n - 1
                    FROM unnest(string_to_array(\(bind: ids), ' ')) WITH ORDINALITY AS o(paper_id, n)
                    WHERE cp.collection_id = \(bind: c.id) AND cp.paper_id = o.paper_id
                    """).run()
            } else {
                try await db.raw("""
                    UPDATE collection_papers SET position = (
                      SELECT CAST(j.key AS INTEGER) FROM json_each('["' || replace(\(bind: ids), ' ', '","') || '"]') j
                      WHERE j.value = collection_papers.paper_id)
                    WHERE collection_id = \(bind: c.id)
                    """).run()
            }
            try await Self.touch(c.id, now: now, on: db)
        }
    }

    // MARK: Reading

    /// The member's collections ("Saved" first, then by name); with `publicOnly`, those anyone may see.
    public func collections(userID: Int, publicOnly: Bool = false) async throws -> [Collection] {
        try await database.read { db in
            try await db.raw("""
                \(unsafeRaw: Self.select) WHERE c.user_id = \(bind: userID) \(unsafeRaw: publicOnly ? "AND c.is_public = 1" : "")
                ORDER BY c.is_saved DESC, lower(c.name), c.id
                """).all().map(Self.decode)
        }
    }

    /// The collections of the member named `username` (any case) that `viewerID` may see: all of them for the member
    /// themself, the public ones for anyone else.
    public func collections(username: String, viewerID: Int?) async throws -> [Collection] {
        try await database.read { db in
            try await db.raw("""
                \(unsafeRaw: Self.select) WHERE lower(u.username) = lower(\(bind: username))
                  AND (c.is_public = 1 OR c.user_id = \(bind: viewerID ?? -1))
                ORDER BY c.is_saved DESC, lower(c.name), c.id
                """).all().map(Self.decode)
        }
    }

    /// The collection named by `slug` if `viewerID` may see it (public, or theirs); nil otherwise, the same as for
    /// a slug that names nothing.
    public func collection(slug: String, viewerID: Int?) async throws -> Collection? {
        guard Self.isPlausibleSlug(slug) else { return nil }
        return try await database.read { db in
            guard let c = try await db.raw("\(unsafeRaw: Self.select) WHERE c.slug = \(bind: slug)").first().map(Self.decode) else { return nil }
            return c.isPublic || c.ownerID == viewerID ? c : nil
        }
    }

    /// A collection's papers in its order, with their notes (`limit` of them from `offset`).
    public func items(of collection: Collection, offset: Int = 0, limit: Int = papersPerCollection) async throws -> [Item] {
        try await database.read { db in
            let rows = try await db.raw("""
                SELECT paper_id, note, added_at FROM collection_papers WHERE collection_id = \(bind: collection.id)
                ORDER BY position, added_at, paper_id LIMIT \(bind: max(0, min(limit, Self.papersPerCollection))) OFFSET \(bind: max(0, offset))
                """).all()
            let listed = try rows.map { (try $0.decode(column: "paper_id", as: String.self), try $0.decode(column: "note", as: String.self),
                                         Timestamp(millisecondsSince1970: try $0.decode(column: "added_at", as: Int64.self))) }
            let records = try await PaperStore.records(listed.map(\.0), on: db)
            return listed.compactMap { id, note, added in records[id].map { Item(paper: $0, note: note, addedAt: added) } }
        }
    }

    /// Which of the member's collections hold `paper` (by slug).
    public func holding(userID: Int, paper: ArxivID) async throws -> Set<String> {
        try await database.read { db in
            Set(try await db.raw("""
                SELECT c.slug FROM collections c JOIN collection_papers cp ON cp.collection_id = c.id
                WHERE c.user_id = \(bind: userID) AND cp.paper_id = \(bind: paper.base)
                """).all().map { try $0.decode(column: "slug", as: String.self) })
        }
    }

    /// A slug as `insert` makes them: 12 lowercase letters and digits.
    public static func isPlausibleSlug(_ slug: String) -> Bool {
        slug.utf8.count == 12 && slug.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) }
    }
}

extension CollectionStore {
    static let select = """
        SELECT c.id, c.slug, c.user_id, u.username, c.name, c.description, c.is_public, c.is_saved, c.created_at, c.updated_at,
          (SELECT count(*) FROM collection_papers cp WHERE cp.collection_id = c.id) AS papers
        FROM collections c JOIN users u ON u.id = c.user_id
        """

    static func decode(_ row: any SQLRow) throws -> Collection {
        Collection(id: try row.decode(column: "id", as: Int.self), slug: try row.decode(column: "slug", as: String.self),
                   owner: try row.decode(column: "username", as: String.self), ownerID: try row.decode(column: "user_id", as: Int.self),
                   name: try row.decode(column: "name", as: String.self), description: try row.decode(column: "description", as: String.self),
                   isPublic: try row.decode(column: "is_public", as: Int.self) == 1, isSaved: try row.decode(column: "is_saved", as: Int.self) == 1,
                   createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
                   updatedAt: Timestamp(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)),
                   paperCount: try row.decode(column: "papers", as: Int.self))
    }

    static func collection(id: Int, on db: any SQLDatabase) async throws -> Collection? {
        try await db.raw("\(unsafeRaw: select) WHERE c.id = \(bind: id)").first().map(decode)
    }

    /// The member's collection named by `slug`, locked for the rest of the transaction on PostgreSQL (edits of one
    /// collection take turns, so its bound and order hold); nil when it is not theirs.
    static func owned(_ slug: String, userID: Int, on db: any SQLDatabase) async throws -> Collection? {
        guard isPlausibleSlug(slug) else { return nil }
        if db.isPostgres {
            try await db.raw("SELECT id FROM collections WHERE slug = \(bind: slug) AND user_id = \(bind: userID) FOR UPDATE").run()
        }
        guard let c = try await db.raw("\(unsafeRaw: select) WHERE c.slug = \(bind: slug)").first().map(decode), c.ownerID == userID else { return nil }
        return c
    }

    static func savedCollection(userID: Int, create: Bool, now: Timestamp, on db: any SQLDatabase) async throws -> Int? {
        if db.isPostgres, create { try await db.raw("SELECT id FROM users WHERE id = \(bind: userID) FOR UPDATE").run() }
        if let id = try await db.raw("SELECT id FROM collections WHERE user_id = \(bind: userID) AND is_saved = 1").first()?
            .decode(column: "id", as: Int.self) { return id }
        guard create else { return nil }
        return try await insert(userID: userID, name: savedName, description: "", isPublic: false, isSaved: true, now: now, on: db)
    }

    static func insert(userID: Int, name: String, description: String, isPublic: Bool, isSaved: Bool, now: Timestamp,
                       on db: any SQLDatabase) async throws -> Int {
        let row = try await db.raw("""
            INSERT INTO collections (slug, user_id, name, description, is_public, is_saved, created_at, updated_at)
            VALUES (\(bind: newSlug()), \(bind: userID), \(bind: name), \(bind: description), \(bind: isPublic ? 1 : 0), \(bind: isSaved ? 1 : 0),
                    \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
            RETURNING id
            """).first()
        guard let row else { throw StoreError("collection insert returned no row") }
        return try row.decode(column: "id", as: Int.self)
    }

    /// Adds at the end; false when the paper is there already. The paper must be one this instance holds.
    static func add(_ paper: String, note: String, to collection: Int, now: Timestamp, on db: any SQLDatabase) async throws -> Bool {
        guard try await db.raw("SELECT 1 AS x FROM papers WHERE arxiv_id = \(bind: paper)").first() != nil else { throw Problem.noPaper }
        let stats = try await db.raw("""
            SELECT count(*) AS n, COALESCE(MAX(position), -1) AS last,
              (SELECT count(*) FROM collection_papers WHERE collection_id = \(bind: collection) AND paper_id = \(bind: paper)) AS here
            FROM collection_papers WHERE collection_id = \(bind: collection)
            """).first()
        if try stats?.decode(column: "here", as: Int.self) ?? 0 > 0 { return false }
        guard try stats?.decode(column: "n", as: Int.self) ?? 0 < papersPerCollection else { throw Problem.collectionFull }
        let position = try stats?.decode(column: "last", as: Int.self) ?? -1
        try await db.raw("""
            INSERT INTO collection_papers (collection_id, paper_id, note, position, added_at)
            VALUES (\(bind: collection), \(bind: paper), \(bind: note), \(bind: position + 1), \(bind: now.millisecondsSince1970))
            """).run()
        try await touch(collection, now: now, on: db)
        return true
    }

    static func remove(_ paper: String, from collection: Int, now: Timestamp, on db: any SQLDatabase) async throws -> Bool {
        let rows = try await db.raw("""
            DELETE FROM collection_papers WHERE collection_id = \(bind: collection) AND paper_id = \(bind: paper) RETURNING paper_id
            """).all()
        if !rows.isEmpty { try await touch(collection, now: now, on: db) }
        return !rows.isEmpty
    }

    static func touch(_ collection: Int, now: Timestamp, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE collections SET updated_at = \(bind: now.millisecondsSince1970) WHERE id = \(bind: collection)").run()
    }

    /// 12 characters of [a-z0-9] from the system's generator: about 62 bits, not guessed.
    static func newSlug() -> String { randomSlug(length: 12) }

    /// `length` characters of [a-z0-9] from the system's generator (5.17 bits each).
    static func randomSlug(length: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] }, as: UTF8.self)
    }

    static func checkedName(_ name: String) throws -> String {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= nameLength, !name.contains(where: { $0.isNewline || $0.isASCII && $0.asciiValue! < 0x20 }) else {
            throw Problem.badName
        }
        return name
    }

    static func checkedDescription(_ text: String) throws -> String {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= descriptionLength else { throw Problem.descriptionTooLong }
        return text
    }

    static func checkedNote(_ text: String) throws -> String {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= noteLength else { throw Problem.noteTooLong }
        return text
    }
}
