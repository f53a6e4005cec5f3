import DailyPapersCore
import Foundation
import SQLKit

/// How a paper arrived in a category on a day, as arXiv's listings say it.
public enum ArrivalKind: String, Sendable, CaseIterable {
    /// First announced, in its primary category.
    case new
    /// First announced, listed in a category that is not its primary one.
    case cross
    /// A later version, in its primary category.
    case replace
    /// A later version, in another of its categories.
    case replaceCross = "replace-cross"

    /// The same arrival as seen from `category`, given whether it is the paper's primary one.
    static func of(replacement: Bool, primary: Bool) -> ArrivalKind {
        replacement ? (primary ? .replace : .replaceCross) : (primary ? .new : .cross)
    }
}

/// A paper's announcement in one category on one day.
public struct Arrival: Sendable, Hashable {
    public var paper: ArxivID
    public var category: String
    public var day: CalendarDay
    public var kind: ArrivalKind

    public init(paper: ArxivID, category: String, day: CalendarDay, kind: ArrivalKind) {
        self.paper = paper
        self.category = category
        self.day = day
        self.kind = kind
    }

    /// What a listing says of a paper (its announce type, that day), in each of its categories.
    public static func announced(_ paper: Paper, on day: CalendarDay, replacement: Bool) -> [Arrival] {
        paper.categories.enumerated().map { i, category in
            Arrival(paper: paper.id, category: category, day: day, kind: .of(replacement: replacement, primary: i == 0))
        }
    }

    /// What a record's dates say (API, OAI-PMH, dated dumps): its first version's day, and its latest's when it
    /// has more than one. Submission days stand in for announcement days, which such records do not carry.
    public static func dated(_ paper: Paper) -> [Arrival] {
        var out: [Arrival] = []
        if let first = paper.firstVersionAt { out += announced(paper, on: CalendarDay(utcOf: first), replacement: false) }
        if (paper.id.version ?? 1) > 1, let latest = paper.latestVersionAt, latest != paper.firstVersionAt {
            out += announced(paper, on: CalendarDay(utcOf: latest), replacement: true)
        }
        return out
    }
}

/// One day's arrivals in a category (or in every category: each paper once, by its primary category).
public struct ArrivalsPage: Sendable {
    public var day: CalendarDay?
    public var previous: CalendarDay?
    public var next: CalendarDay?
    public var items: [(record: PaperRecord, kind: ArrivalKind)]
    public var total: Int
}

extension PaperStore {
    /// Writes arrivals; one already known (same category, day and paper) is kept as it was.
    static func insertArrivals(_ arrivals: [Arrival], on db: any SQLDatabase) async throws {
        let rows: [[any Encodable & Sendable]] = arrivals.map { [$0.category, $0.day.iso, $0.paper.base, $0.kind.rawValue, $0.paper.version] }
        for start in stride(from: 0, to: rows.count, by: 400) {
            var sql = SQLQueryString("INSERT INTO arrivals (category, day, paper_id, kind, version) VALUES ")
            sql.appendRows(rows[start..<min(start + 400, rows.count)])
            sql.appendLiteral(" ON CONFLICT DO NOTHING")
            try await db.raw(sql).run()
        }
    }

    /// Records arrivals a listing announced (after the papers are saved).
    public func recordArrivals(_ arrivals: [Arrival]) async throws {
        guard !arrivals.isEmpty else { return }
        try await database.write { db in
            try await Self.insertArrivals(arrivals, on: db)
            try await Self.bumpContentVersion(on: db)
        }
    }

    /// The arrivals of `day` (default: the latest day with any) in `category` (nil: every category, each paper
    /// once as its primary category lists it): new papers first, then cross-lists, then replacements, newest id first.
    public func arrivals(category: String?, day: CalendarDay?, offset: Int, limit: Int) async throws -> ArrivalsPage {
        try await database.read { db in
            var scope = SQLQueryString("")
            if let category {
                scope.appendLiteral("category = ")
                scope.appendInterpolation(bind: category)
            } else {
                scope.appendLiteral("kind IN ('new', 'replace')")
            }
            func oneDay(_ aggregate: String, _ comparison: String?, _ than: CalendarDay?) async throws -> CalendarDay? {
                var sql = SQLQueryString("SELECT \(unsafeRaw: aggregate)(day) AS d FROM arrivals WHERE ")
                sql.appendInterpolation(scope)
                if let comparison, let than {
                    sql.appendLiteral(" AND day \(comparison) ")
                    sql.appendInterpolation(bind: than.iso)
                }
                return try await db.raw(sql).first().flatMap { try RowDecoding.optional($0, "d", String.self) }.flatMap(CalendarDay.init(iso:))
            }
            var latest: CalendarDay?
            if day == nil { latest = try await oneDay("MAX", nil, nil) }
            guard let shown = day ?? latest else {
                return ArrivalsPage(day: nil, previous: nil, next: nil, items: [], total: 0)
            }
            var list = SQLQueryString("SELECT paper_id, kind FROM arrivals WHERE ")
            list.appendInterpolation(scope)
            list.appendLiteral(" AND day = ")
            list.appendInterpolation(bind: shown.iso)
            list.appendLiteral("""
                 ORDER BY CASE kind WHEN 'new' THEN 0 WHEN 'cross' THEN 1 WHEN 'replace' THEN 2 ELSE 3 END, paper_id DESC
                """)
            let all = try await db.raw(list).all().map {
                (try $0.decode(column: "paper_id", as: String.self), ArrivalKind(rawValue: try $0.decode(column: "kind", as: String.self)) ?? .new)
            }
            var seen = Set<String>()
            let unique = all.filter { seen.insert($0.0).inserted }
            let page = Array(unique.dropFirst(offset).prefix(limit))
            let records = try await Self.records(page.map(\.0), on: db)
            return ArrivalsPage(day: shown, previous: try await oneDay("MAX", "<", shown), next: try await oneDay("MIN", ">", shown),
                                items: page.compactMap { id, kind in records[id].map { ($0, kind) } }, total: unique.count)
        }
    }
}
