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
    @Option(help: "Write the drawn queries here, one a line (for --queries-file in a later run).") var writeQueries: String?
    @Option(help: "Rank from this search index file (`reindex --search-file`), as `serve --search-index-file` does, instead of loading the index into memory.")
    var searchIndexFile: String?
    @Option(help: "MiB of the index file read into the page cache once mapped, as serve's --search-index-preload-mib (its default).")
    var preloadMib = 256
    @Flag(help: "No warm-up queries: with the OS page cache dropped before, every query starts cold (the first reads of each list and row come from disk).")
    var noWarmup = false
    @Flag(help: "Drop the OS page cache (root only) after drawing the queries (which reads every title) and before opening the index: with --no-warmup, a cold start.")
    var dropCaches = false
    @Option(help: "The form of each search: plain (best first, every paper), prefix (the last word cut to its first four letters and a *), category (in --category), newest (sorted by date), featured (on the feed only).")
    var form = "plain"
    @Option(help: "The category of --form category.") var category = "cs.LG"

    /// The drawn query in the benchmark's form, and its filters.
    func shaped(_ query: String) -> (text: String, filters: SearchFilters) {
        switch form {
        case "prefix":
            var words = query.split(separator: " ").map(String.init)
            if let last = words.last, last.count >= 5 { words[words.count - 1] = String(last.prefix(4)) + "*" }
            return (words.joined(separator: " "), SearchFilters(limit: limit))
        case "category": return (query, SearchFilters(category: category, limit: limit))
        case "newest": return (query, SearchFilters(sort: .newest, limit: limit))
        case "featured": return (query, SearchFilters(featuredOnly: true, limit: limit))
        default: return (query, SearchFilters(limit: limit))
        }
    }

    func search(_ store: PaperStore, _ query: String) async throws -> Int {
        let (text, filters) = shaped(query)
        return try await store.searchHits(text, filters: filters).count
    }

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let location = try DatabaseLocation(parsing: database)
        var db = try await Database.open(location, readers: concurrency, logger: logger)
        // The titles are read to draw from and dropped, so the memory measured below is the search's.
        let (drawn, drawnPapers) = try await Self.queries(queries, db: db, seed: seed, file: queriesFile)
        if let writeQueries { try (drawn.joined(separator: "\n") + "\n").write(toFile: writeQueries, atomically: true, encoding: .utf8) }
        if dropCaches {
            // Reading every title read the whole papers table: forget it, in the database's caches and the OS's.
            await db.close()
            sync()
            let fd = open("/proc/sys/vm/drop_caches", O_WRONLY)
            guard fd >= 0, write(fd, "3\n", 2) == 2 else { throw ValidationError("--drop-caches needs root (writing /proc/sys/vm/drop_caches)") }
            close(fd)
            db = try await Database.open(location, readers: concurrency, logger: logger)
        }
        let store = PaperStore(database: db)
        // What a server does at start: map the index file or load the in-memory index, timed, with the memory it
        // takes; then the first ranked search.
        let rssBefore = Self.maxResidentMiB()
        let loadStart = ContinuousClock.now
        var preloaded = 0
        if let searchIndexFile {
            try store.useSearchIndexFile(searchIndexFile)
            // As `serve` does (in the background there: searches are answered meanwhile); waited for here, and timed
            // with the load.
            preloaded = store.preloadSearchIndexFile(budget: preloadMib << 20)
        }
        try await store.loadSearchIndex()
        // As `serve` does once its index is loaded.
        db.readAtRandom()
        let loadSeconds = (ContinuousClock.now - loadStart).milliseconds / 1000
        let rssLoaded = Self.maxResidentMiB()
        let firstStart = ContinuousClock.now
        _ = try await search(store, drawn[0])
        let firstSearch = (ContinuousClock.now - firstStart).milliseconds
        // Warm the caches (page cache, connection pool) with a tenth of the queries.
        if !noWarmup { for q in drawn.prefix(queries / 10) { _ = try await search(store, q) } }

        var latencies: [Double] = []
        var timed: [(query: String, ms: Double, at: Int)] = []
        var results = 0
        let started = ContinuousClock.now
        for q in drawn {
            let t0 = ContinuousClock.now
            results += try await search(store, q)
            latencies.append((ContinuousClock.now - t0).milliseconds)
            timed.append((q, latencies[latencies.count - 1], timed.count))
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
                        _ = try await search(store, workload[i])
                    }
                }
            }
            try await group.waitForAll()
        }
        let parallel = (ContinuousClock.now - t1).milliseconds
        var papers = drawnPapers ?? 0
        if drawnPapers == nil {
            papers = try await db.read { sql in
                try await sql.raw("SELECT count(*) AS n FROM papers").first()?.decode(column: "n", as: Int.self) ?? 0
            }
        }
        say(String(format: "form %@  papers %d  engine %@  queries %d  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms  mean %.2f ms  avg results %.1f  sequential %.0f q/s  %d clients %.0f q/s",
                     form, papers, db.isPostgres ? "postgresql" : "sqlite", queries, pct(0.5), pct(0.9), pct(0.99), latencies.last!,
                     sequential / Double(queries), Double(results) / Double(queries), Double(queries) / sequential * 1000,
                     concurrency, Double(queries) / parallel * 1000))
        if searchIndexFile != nil { say("index file: \(preloaded >> 20) MiB read into the page cache at start (--preload-mib \(preloadMib))") }
        say(String(format: "index %@ %.1f s, then the first ranked search %.1f ms; peak resident memory %d MiB before, %d MiB loaded, %d MiB after the runs (now %d MiB, of it %d MiB private)%@",
                     searchIndexFile == nil ? "loaded into memory in" : "file mapped in", loadSeconds, firstSearch, rssBefore, rssLoaded,
                     Self.maxResidentMiB(), Self.residentMiB().total, Self.residentMiB().anonymous, noWarmup ? "; no warm-up" : ""))
        for (q, ms, at) in timed.sorted(by: { $0.ms > $1.ms }).prefix(slowest) { say(String(format: "  %7.2f ms  #%-4d %@", ms, at + 1, q)) }
        // Cold, the first queries also read what every later one shares (the top of each B-tree, the index's term
        // table): the run in tenths shows how much of the tail that is.
        if slowest > 0 {
            let tenth = max(1, timed.count / 10)
            let parts = stride(from: 0, to: timed.count, by: tenth).map { start -> String in
                let part = timed[start..<min(start + tenth, timed.count)].map(\.ms).sorted()
                return String(format: "%.1f/%.1f", part[part.count / 2], part[min(part.count - 1, part.count * 99 / 100)])
            }
            say("p50/p99 ms by tenth of the run: " + parts.joined(separator: "  "))
        }
        say("examples: " + drawn.prefix(5).map { "\"\($0)\"" }.joined(separator: ", "))
        await db.close()
    }
}

extension SearchBench {
    /// The queries to run (`count`, from `file` or drawn from the titles) and how many papers there are.
    /// With `file`, no title is read (nothing warms the caches before a cold run): the papers are counted after
    /// the runs (nil here).
    static func queries(_ count: Int, db: Database, seed: UInt64, file: String?) async throws -> ([String], Int?) {
        if let file {
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            guard !lines.isEmpty else { throw ValidationError("\(file) holds no queries") }
            return ((0..<count).map { lines[$0 % lines.count] }, nil)
        }
        let titles: [String] = try await db.read { sql in
            try await sql.raw("SELECT title FROM papers ORDER BY arxiv_id").all().map { try $0.decode(column: "title", as: String.self) }
        }
        var rng = SplitMix64(seed: seed)
        return (draw(count, from: titles, &rng), titles.count)
    }

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

    /// The process's resident set now, and the part of it that is its own (anonymous: not pages of mapped files
    /// that other processes share), from /proc/self/status.
    static func residentMiB() -> (total: Int, anonymous: Int) {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }
        return (field("VmRSS"), field("RssAnon"))
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
