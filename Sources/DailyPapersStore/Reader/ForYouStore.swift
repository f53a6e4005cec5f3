import DailyPapersCore
import Foundation
import SQLKit
import Synchronization

/// "For you" (issue 28, item 3): recent papers of the whole corpus, featured or not, ranked for one member by
/// `ReaderProfile` from what they upvoted, saved and submitted, and away from what they marked "not interested".
/// Every vector is a paper's tf-idf terms against the instance's own word counts (`term_df`); no model from elsewhere.
public struct ForYouStore: Sendable {
    let database: Database
    let pool: CandidatePool
    public init(database: Database) {
        self.database = database
        pool = CandidatePool()
    }

    /// Newest papers (by arXiv id) a feed is chosen from, and papers of a member's history it learns from, at most.
    public static let candidates = 3000
    public static let history = 300

    public struct Pick: Sendable {
        public let paper: PaperRecord
        public let score: Double
        /// The member's paper it is most like ("like X you saved").
        public let because: (id: String, title: String, how: Signal)?

        public init(paper: PaperRecord, score: Double, because: (id: String, title: String, how: Signal)?) {
            self.paper = paper
            self.score = score
            self.because = because
        }
    }

    public enum Signal: String, Sendable { case upvoted, saved, submitted }

    public struct Feed: Sendable {
        public let picks: [Pick]
        /// Whether the member has history to learn from (without it the feed is trending papers).
        public let personal: Bool
    }

    /// Marks a paper "not interested" for the member (or takes the mark back); it leaves their feed at once.
    public func setNotInterested(userID: Int, paper: ArxivID, _ on: Bool = true, now: Timestamp = .now) async throws {
        try await database.write { db in
            guard try await db.raw("SELECT 1 AS x FROM papers WHERE arxiv_id = \(bind: paper.base)").first() != nil else {
                throw CollectionStore.Problem.noPaper
            }
            if on {
                try await db.raw("""
                    INSERT INTO not_interested (user_id, paper_id, created_at) VALUES (\(bind: userID), \(bind: paper.base), \(bind: now.millisecondsSince1970))
                    ON CONFLICT (user_id, paper_id) DO NOTHING
                    """).run()
            } else {
                try await db.raw("DELETE FROM not_interested WHERE user_id = \(bind: userID) AND paper_id = \(bind: paper.base)").run()
            }
        }
    }

    /// The member's feed, best first. Without history: nothing personal (the caller shows trending papers).
    public func feed(userID: Int, limit: Int = 30) async throws -> Feed {
        guard let member = try await profile(userID: userID) else { return Feed(picks: [], personal: false) }
        let (profile, positives) = (member.profile, member.positives)
        let candidates = try await pool.current(database)
        let open = candidates.filter { !member.excluded.contains($0.id) }
        // A paper sharing nothing with the member's is no pick, however few are left.
        let ranked = profile.rank(open.map(\.vector)).filter { $0.scored.because != nil && $0.scored.score > 0 }.prefix(limit)
        let records = try await database.read { db in try await PaperStore.records(ranked.map { open[$0.index].id }, on: db) }
        let titles = try await database.read { db in try await Self.titles(ranked.compactMap { $0.scored.because.map { positives[$0].0.id } }, on: db) }
        let picks = ranked.compactMap { item -> Pick? in
            guard let record = records[open[item.index].id] else { return nil }
            let because = item.scored.because.map { positives[$0].0 }.map { h in (id: h.id, title: titles[h.id] ?? h.id, how: h.signal) }
            return Pick(paper: record, score: item.scored.score, because: because)
        }
        return Feed(picks: picks, personal: true)
    }

    /// Of `candidates` (ids), the `limit` the member would like best, best first (none without history): a digest's
    /// "For you" section, ranked among the period's papers.
    public func rank(userID: Int, among candidates: [String], limit: Int) async throws -> [String] {
        guard !candidates.isEmpty, let member = try await profile(userID: userID) else { return [] }
        let open = candidates.filter { !member.excluded.contains($0) }
        let vectors = try await self.vectors(open)
        return member.profile.rank(open.map { vectors[$0] ?? [:] }).filter { $0.scored.because != nil && $0.scored.score > 0 }
            .prefix(limit).map { open[$0.index] }
    }

    /// The member's profile from their history and "not interested" marks (nil without history), with their papers
    /// (each with its signal, in the profile's order) and every paper a feed leaves out.
    func profile(userID: Int) async throws -> (profile: ReaderProfile, positives: [(Liked, ReaderProfile.Vector)], excluded: Set<String>)? {
        let (history, negatives) = try await database.read { db in
            (try await Self.history(userID: userID, on: db), try await Self.notInterested(userID: userID, on: db))
        }
        guard !history.isEmpty else { return nil }
        let vectors = try await self.vectors(history.map(\.id) + negatives)
        let positives = history.compactMap { h in vectors[h.id].map { (h, $0) } }
        return (ReaderProfile(positives: positives.map(\.1), negatives: negatives.compactMap { vectors[$0] }), positives,
                Set(history.map(\.id)).union(negatives))
    }

    struct Liked { let id: String; let signal: Signal }

    /// The member's latest upvotes, saves and submissions (a paper once, its strongest signal first: saved,
    /// submitted, upvoted).
    static func history(userID: Int, on db: any SQLDatabase) async throws -> [Liked] {
        let rows = try await db.raw("""
            SELECT paper_id, how, at FROM (
              SELECT cp.paper_id, 'saved' AS how, cp.added_at AS at FROM collection_papers cp JOIN collections c ON c.id = cp.collection_id
                WHERE c.user_id = \(bind: userID)
              UNION ALL SELECT paper_id, 'submitted' AS how, submitted_at AS at FROM featured WHERE submitted_by = \(bind: userID)
              UNION ALL SELECT paper_id, 'upvoted' AS how, created_at AS at FROM votes WHERE user_id = \(bind: userID)
            ) signals ORDER BY at DESC LIMIT \(unsafeRaw: String(Self.history * 3))
            """).all()
        var seen = Set<String>(), out: [Liked] = []
        for row in rows {
            let id = try row.decode(column: "paper_id", as: String.self)
            guard seen.insert(id).inserted, out.count < Self.history else { continue }
            out.append(Liked(id: id, signal: Signal(rawValue: try row.decode(column: "how", as: String.self)) ?? .upvoted))
        }
        return out
    }

    static func notInterested(userID: Int, on db: any SQLDatabase) async throws -> [String] {
        try await db.raw("""
            SELECT paper_id FROM not_interested WHERE user_id = \(bind: userID) ORDER BY created_at DESC LIMIT \(unsafeRaw: String(Self.history))
            """).all().map { try $0.decode(column: "paper_id", as: String.self) }
    }

    /// Papers' vectors, from the process's cache or made from their title and abstract (`vectors(texts:)`).
    func vectors(_ ids: [String]) async throws -> [String: ReaderProfile.Vector] {
        var out = pool.cached(ids)
        let missing = ids.filter { out[$0] == nil }
        guard !missing.isEmpty else { return out }
        let binds: [any Encodable & Sendable] = missing
        let made = try await database.read { db in
            let texts = try await db.raw("SELECT arxiv_id, title, abstract FROM papers WHERE arxiv_id IN (\(binds: binds))").all().map {
                (id: try $0.decode(column: "arxiv_id", as: String.self), title: try $0.decode(column: "title", as: String.self),
                 abstract: try $0.decode(column: "abstract", as: String.self))
            }
            return try await Self.vectors(texts: texts, on: db)
        }
        pool.keep(made)
        out.merge(made) { a, _ in a }
        return out
    }

    /// Each paper's vector: its 30 heaviest tf-idf terms (`Terms.weights`, as the keywords are chosen, against the
    /// instance's word counts in `term_df`), heaviest first. Keywords as stored are the first five of them only.
    static func vectors(texts: [(id: String, title: String, abstract: String)], on db: any SQLDatabase) async throws -> [String: ReaderProfile.Vector] {
        let counts = texts.map { Terms.counts(title: $0.title, abstract: $0.abstract) }
        var words = Set<String>()
        for c in counts { for term in c.keys where Terms.isWord(term) { words.insert(term) } }
        var df: [String: Int] = [:]
        let sorted = words.sorted()
        if db.isPostgres {
            for row in try await db.raw("SELECT term, df FROM term_df WHERE term = ANY(\(bind: sorted))").all() {
                df[try row.decode(column: "term", as: String.self)] = try row.decode(column: "df", as: Int.self)
            }
        } else {
            for start in stride(from: 0, to: sorted.count, by: 500) {
                let binds: [any Encodable & Sendable] = Array(sorted[start..<min(start + 500, sorted.count)])
                for row in try await db.raw("SELECT term, df FROM term_df WHERE term IN (\(binds: binds))").all() {
                    df[try row.decode(column: "term", as: String.self)] = try row.decode(column: "df", as: Int.self)
                }
            }
        }
        let documents = try await db.raw("SELECT value FROM site_state WHERE key = 'indexed_papers'").first()?
            .decode(column: "value", as: Int.self) ?? texts.count
        var out: [String: ReaderProfile.Vector] = [:]
        for (text, c) in zip(texts, counts) {
            out[text.id] = ReaderProfile.vector(keywords: Terms.weights(c, df: df, documents: max(documents, 1), keep: vectorTerms).map(\.term))
        }
        return out
    }

    /// Terms a paper's vector keeps.
    static let vectorTerms = 30

    static func titles(_ ids: [String], on db: any SQLDatabase) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let binds: [any Encodable & Sendable] = ids
        var out: [String: String] = [:]
        for row in try await db.raw("SELECT arxiv_id, title FROM papers WHERE arxiv_id IN (\(binds: binds))").all() {
            out[try row.decode(column: "arxiv_id", as: String.self)] = try row.decode(column: "title", as: String.self)
        }
        return out
    }

    /// The newest papers with their vectors, read once a minute per process (every member's feed ranks the same
    /// pool, so a feed costs the member's own history and the ranking, not a read of thousands of rows).
    final class CandidatePool: Sendable {
        struct Candidate: Sendable { let id: String; let vector: ReaderProfile.Vector }
        private let kept = Mutex<(at: Double, papers: [Candidate])?>(nil)
        static let lifetime = 60.0

        func current(_ database: Database) async throws -> [Candidate] {
            let now = Date().timeIntervalSince1970
            if let kept = kept.withLock({ $0 }), now - kept.at < Self.lifetime { return kept.papers }
            // New-style ids sort before old-style ones ('a'...); the newest by id are the newest announced.
            let papers = try await database.read { db in
                let texts = try await db.raw("""
                    SELECT arxiv_id, title, abstract FROM papers WHERE arxiv_id < 'a'
                    ORDER BY arxiv_id DESC LIMIT \(unsafeRaw: String(ForYouStore.candidates))
                    """).all().map {
                    (id: try $0.decode(column: "arxiv_id", as: String.self), title: try $0.decode(column: "title", as: String.self),
                     abstract: try $0.decode(column: "abstract", as: String.self))
                }
                let vectors = try await ForYouStore.vectors(texts: texts, on: db)
                return texts.map { Candidate(id: $0.id, vector: vectors[$0.id] ?? [:]) }
            }
            kept.withLock { $0 = (now, papers) }
            return papers
        }

        /// Vectors of papers read for members' histories, kept while there are fewer than `cachedVectors` (then
        /// forgotten all at once: a member's next page reads theirs again).
        private let vectors = Mutex<[String: ReaderProfile.Vector]>([:])
        static let cachedVectors = 50_000

        func cached(_ ids: [String]) -> [String: ReaderProfile.Vector] {
            vectors.withLock { kept in
                var out: [String: ReaderProfile.Vector] = [:]
                for id in ids { if let v = kept[id] { out[id] = v } }
                return out
            }
        }

        func keep(_ made: [String: ReaderProfile.Vector]) {
            vectors.withLock { kept in
                if kept.count + made.count > Self.cachedVectors { kept.removeAll(keepingCapacity: true) }
                kept.merge(made) { _, new in new }
            }
        }
    }
}
