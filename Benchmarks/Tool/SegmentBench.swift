import ArgumentParser
import DailyPapersStore
import Foundation
import Logging

/// The search index as a mapped file against the in-memory index, over the same papers and queries: time and
/// size to write the file, time to open it, ranking latency (the top 20 ids, without reading the papers' rows), the
/// same results, and the resident memory each costs.
struct SegmentBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "segment", abstract: "Mapped index file against the in-memory index.")

    @Option(help: "The database (a SQLite path or postgres:// URL).") var database: String
    @Option(help: "Where to write the index file.") var file: String
    @Option(help: "Queries to run.") var queries = 1000
    @Option(help: "Random seed for drawing the queries.") var seed: UInt64 = 42
    @Flag(help: "Use the file written by an earlier run (so the writer's memory does not count in this one's).") var reuse = false

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let db = try await Database.open(try DatabaseLocation(parsing: database), logger: logger)
        let store = PaperStore(database: db)
        let titles: [String] = try await db.read { sql in
            try await sql.raw("SELECT title FROM papers ORDER BY arxiv_id").all().map { try $0.decode(column: "title", as: String.self) }
        }
        var rng = SplitMix64(seed: seed)
        let drawn = SearchBench.draw(queries, from: titles, &rng)
        let rss0 = Self.residentMiB()
        var t = ContinuousClock.now
        let papers = reuse ? titles.count : try await store.writeSearchSegment(to: file)
        let writeSeconds = (ContinuousClock.now - t).milliseconds / 1000
        let bytes = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let rssAfterWrite = Self.residentMiB()
        t = ContinuousClock.now
        let segment = try SearchSegment(path: file)
        let openMs = (ContinuousClock.now - t).milliseconds
        var segmentTimes: [Double] = []
        var fromSegment: [[String]] = []
        for q in drawn {
            let t0 = ContinuousClock.now
            fromSegment.append(segment.ranked(q, limit: 20).map(\.paper))
            segmentTimes.append((ContinuousClock.now - t0).milliseconds)
        }
        let rssSegment = Self.residentMiB()
        let splitSegment = Self.split()
        t = ContinuousClock.now
        _ = try await store.rankedFromMemory("warm", limit: 1)
        let loadSeconds = (ContinuousClock.now - t).milliseconds / 1000
        let rssMemory = Self.residentMiB()
        let splitMemory = Self.split()
        var memoryTimes: [Double] = []
        var same = 0
        for (i, q) in drawn.enumerated() {
            let t0 = ContinuousClock.now
            let ids = try await store.rankedFromMemory(q, limit: 20).map(\.paper)
            memoryTimes.append((ContinuousClock.now - t0).milliseconds)
            if ids == fromSegment[i] { same += 1 }
        }
        func pct(_ xs: [Double], _ p: Double) -> Double { let s = xs.sorted(); return s[min(s.count - 1, Int(Double(s.count) * p))] }
        print(String(format: "papers %d  file %.1f MB %@ (resident +%d MiB while writing)  opened in %.2f ms", papers,
                     Double(bytes) / 1e6, reuse ? "from an earlier run" : String(format: "written in %.1f s", writeSeconds),
                     rssAfterWrite - rss0, openMs))
        print(String(format: "ranking, top 20 of %d queries: file p50 %.3f ms p99 %.3f ms; memory p50 %.3f ms p99 %.3f ms (loaded in %.1f s); same results %d of %d",
                     queries, pct(segmentTimes, 0.5), pct(segmentTimes, 0.99), pct(memoryTimes, 0.5), pct(memoryTimes, 0.99), loadSeconds, same, queries))
        print("resident MiB (VmRSS; the mapped file's pages count as file, shared with every process): before \(rss0), after the file's queries \(rssSegment) (\(splitSegment)), after loading the memory index \(rssMemory) (\(splitMemory))")
        await db.close()
    }

    /// The process's current resident set (VmRSS), MiB.
    static func residentMiB(_ field: String = "VmRSS:") -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    /// Private (anonymous) and file-backed resident memory, MiB: the mapped index counts in the second, shared.
    static func split() -> String { "anonymous \(residentMiB("RssAnon:")), file \(residentMiB("RssFile:"))" }
}
