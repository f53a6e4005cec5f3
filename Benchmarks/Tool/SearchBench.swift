import ArgumentParser
import DailyPapersStore
import Foundation
import Logging

/// Search latency and throughput through `PaperStore.searchHits`, the code the search page and
/// `/api/papers/search` call: queries of two or three consecutive words drawn from real titles.
struct SearchBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "p50/p99 search latency and queries/s.")

    @Option(help: "The database (a SQLite path or postgres:// URL).") var database: String
    @Option(help: "Queries to run.") var queries = 1000
    @Option(help: "Concurrent clients for the throughput run.") var concurrency = 8
    @Option(help: "Random seed for drawing the queries.") var seed: UInt64 = 42
    @Option(help: "Results per query (a page).") var limit = 20
    @Option(help: "Also list this many of the slowest queries of the sequential run.") var slowest = 0
    @Option(help: "Run these queries (one a line, repeated to --queries) instead of drawing them from titles.") var queriesFile: String?

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let db = try await Database.open(try DatabaseLocation(parsing: database), readers: concurrency, logger: logger)
        let store = PaperStore(database: db)
        let titles: [String] = try await db.read { sql in
            try await sql.raw("SELECT title FROM papers ORDER BY arxiv_id").all().map { try $0.decode(column: "title", as: String.self) }
        }
        var rng = SplitMix64(seed: seed)
        var drawn: [String] = []
        if let queriesFile {
            let lines = try String(contentsOfFile: queriesFile, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            guard !lines.isEmpty else { throw ValidationError("\(queriesFile) holds no queries") }
            while drawn.count < queries { drawn.append(lines[drawn.count % lines.count]) }
        }
        if drawn.count < queries { drawn += Self.draw(queries - drawn.count, from: titles, &rng) }
        // What a server does at start: load the in-memory index, timed, with the memory it takes.
        let rssBefore = Self.maxResidentMiB()
        let loadStart = ContinuousClock.now
        try await store.loadSearchIndex()
        let loadSeconds = (ContinuousClock.now - loadStart).milliseconds / 1000
        let rssLoaded = Self.maxResidentMiB()
        // Warm the caches (page cache, connection pool) with a tenth of the queries.
        for q in drawn.prefix(queries / 10) { _ = try await store.searchHits(q, filters: SearchFilters(limit: limit)) }

        var latencies: [Double] = []
        var timed: [(query: String, ms: Double)] = []
        var results = 0
        let started = ContinuousClock.now
        for q in drawn {
            let t0 = ContinuousClock.now
            results += try await store.searchHits(q, filters: SearchFilters(limit: limit)).count
            latencies.append((ContinuousClock.now - t0).milliseconds)
            timed.append((q, latencies[latencies.count - 1]))
        }
        let sequential = (ContinuousClock.now - started).milliseconds
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }

        let next = Counter()
        let workload = drawn
        let t1 = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while let i = next.take(below: workload.count) {
                        _ = try await store.searchHits(workload[i], filters: SearchFilters(limit: limit))
                    }
                }
            }
            try await group.waitForAll()
        }
        let parallel = (ContinuousClock.now - t1).milliseconds
        let papers = titles.count
        say(String(format: "papers %d  engine %@  queries %d  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms  mean %.2f ms  avg results %.1f  sequential %.0f q/s  %d clients %.0f q/s",
                     papers, db.isPostgres ? "postgresql" : "sqlite", queries, pct(0.5), pct(0.9), pct(0.99), latencies.last!,
                     sequential / Double(queries), Double(results) / Double(queries), Double(queries) / sequential * 1000,
                     concurrency, Double(queries) / parallel * 1000))
        say(String(format: "index load %.1f s; peak resident memory %d MiB before the load, %d MiB loaded, %d MiB after the runs",
                     loadSeconds, rssBefore, rssLoaded, Self.maxResidentMiB()))
        for (q, ms) in timed.sorted(by: { $0.ms > $1.ms }).prefix(slowest) { say(String(format: "  %7.2f ms  %@", ms, q)) }
        say("examples: " + drawn.prefix(5).map { "\"\($0)\"" }.joined(separator: ", "))
        await db.close()
    }
}

extension SearchBench {
    /// `count` queries of two or three consecutive words (three letters or more) of random titles.
    static func draw(_ count: Int, from titles: [String], _ rng: inout SplitMix64) -> [String] {
        var drawn: [String] = []
        while drawn.count < count {
            let words = titles[Int(rng.next() % UInt64(titles.count))]
                .split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") }).filter { $0.count >= 3 }.map(String.init)
            guard words.count >= 2 else { continue }
            let length = min(words.count, 2 + Int(rng.next() % 2))
            let start = Int(rng.next() % UInt64(words.count - length + 1))
            drawn.append(words[start..<(start + length)].joined(separator: " "))
        }
        return drawn
    }

    /// A line written at once, even into a pipe or a file (where `print` holds it back until the end).
    func say(_ line: String) {
        // A reader gone (`| head`) is no failure of the benchmark.
        try? FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
    }

    /// The process's peak resident set so far (getrusage reports KiB on Linux).
    static func maxResidentMiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

/// A small, seedable generator, so a benchmark draws the same queries on every engine.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
