import Foundation
import Logging
import Metrics
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit
import DailyPapersCore
import Synchronization

/// The database handle every store shares, on either engine. The stores write one SQL that both
/// engines accept and ask `SQLDatabase.isPostgres` where they must differ (search, locks).
///
/// - SQLite runs in WAL mode: one writer connection, serialised by an async lock, and several reader
///   connections that never block on it.
/// - PostgreSQL runs on a pool of connections (PostgresNIO's `PostgresClient`); writes run concurrently in
///   READ COMMITTED transactions, retried when the server reports a deadlock or serialization failure.
public final class Database: Sendable {
    public let location: DatabaseLocation
    let logger: Logger
    private let backend: Backend
    private let nextReader = Atomic<Int>(0)
    private let writeLock = AsyncLock()
    /// Bumped by every committed write through this handle; pages cached in memory compare it.
    private let localWrites = Atomic<Int>(0)
    /// The search index this process holds in memory for this database.
    let searchMemory = SearchMemory()
    let sessionMemory = SessionMemory()
    /// After `close`, every call fails at once (a closed pool would otherwise wait for a connection forever).
    private let closed = Atomic<Bool>(false)
    /// Calls under way; `close` waits for them, so none asks a pool that has stopped for a connection.
    private let inUse = Atomic<Int>(0)

    private enum Backend: Sendable {
        case sqlite(writer: SQLiteConnection, readers: [SQLiteConnection])
        case postgres(PostgresClient, run: Task<Void, Never>)
    }

    /// The descriptors SQLite's reader connections hold on the file (`readAtRandom`).
    let readerFiles: Set<Int32>

    private init(location: DatabaseLocation, logger: Logger, backend: Backend, readerFiles: Set<Int32> = []) {
        self.location = location
        self.logger = logger
        self.backend = backend
        self.readerFiles = readerFiles
    }

    /// From now on the reader connections of a SQLite file read it without read-ahead (`RandomReads`), as a serving
    /// process should once it has read what it reads in order at start (the in-memory search index).
    public func readAtRandom() {
        RandomReads.advise(readerFiles)
    }

    public var isPostgres: Bool {
        if case .postgres = backend { return true }
        return false
    }

    public static func open(_ location: DatabaseLocation, readers readerCount: Int = 4, logger: Logger) async throws -> Database {
        let storage: SQLiteConnection.Storage
        switch location {
        case .postgres(let settings):
            let client = try await PostgresPool.start(settings, logger: logger)
            return Database(location: location, logger: logger, backend: .postgres(client.client, run: client.run))
        case .sqliteFile(let path):
            let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
                throw ConfigurationError(setting: "database", problem: "folder '\(dir)' does not exist")
            }
            storage = .file(path: path)
        case .sqliteMemory:
            // A shared in-memory database so that the reader connections see the writer's data.
            storage = .file(path: "file:dailypapers-\(UUID().uuidString)?mode=memory&cache=shared")
        }
        let writer = try await SQLiteConnection.open(storage: storage, logger: logger)
        do {
            try await configure(writer, isWriter: true, location: location)
            let filePath: String? = if case .sqliteFile(let path) = location { path } else { nil }
            let writerFiles = filePath.map(RandomReads.descriptors(of:)) ?? []
            var readers: [SQLiteConnection] = []
            for _ in 0..<max(1, readerCount) {
                let r = try await SQLiteConnection.open(storage: storage, logger: logger)
                try await configure(r, isWriter: false, location: location)
                readers.append(r)
            }
            let readerFiles = filePath.map { RandomReads.descriptors(of: $0).subtracting(writerFiles) } ?? []
            return Database(location: location, logger: logger, backend: .sqlite(writer: writer, readers: readers), readerFiles: readerFiles)
        } catch {
            try? await writer.close()
            throw error
        }
    }

    private static func configure(_ c: SQLiteConnection, isWriter: Bool, location: DatabaseLocation) async throws {
        // Another process (an import while `serve` runs) may hold the write lock: wait rather than fail.
        _ = try await c.query("PRAGMA busy_timeout = 10000", [])
        _ = try await c.query("PRAGMA foreign_keys = ON", [])
        // 64 MiB of page cache per connection (the default is 2 MiB): searches over a large corpus read
        // their pages from memory instead of a read system call each.
        _ = try await c.query("PRAGMA cache_size = -65536", [])
        if isWriter, case .sqliteFile = location {
            let rows = try await c.query("PRAGMA journal_mode = WAL", [])
            let mode = rows.first?.column("journal_mode")?.string ?? "?"
            guard mode.lowercased() == "wal" else {
                throw ConfigurationError(setting: "database", problem: "could not switch the file to WAL mode (got '\(mode)')")
            }
            // WAL makes NORMAL durable against application crashes; only power loss can drop the last commits.
            _ = try await c.query("PRAGMA synchronous = NORMAL", [])
        }
    }

    static let readTimer = Timer(label: "dailypapers_db_seconds", dimensions: [("kind", "read")])
    static let writeTimer = Timer(label: "dailypapers_db_seconds", dimensions: [("kind", "write")])
    static let writeWaitTimer = Timer(label: "dailypapers_db_write_wait_seconds")

    /// Runs `body` on a reader connection (a consistent snapshot per statement).
    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await using {
            let start = ContinuousClock.now
            defer { Self.readTimer.record(duration: ContinuousClock.now - start) }
            switch backend {
            case .sqlite(_, let readers):
                let i = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
                return try await body(readers[abs(i) % readers.count].sql())
            case .postgres(let client, _):
                return try await PostgresPool.describingErrors { try await client.withConnection { try await body(PostgresSQL(connection: $0)) } }
            }
        }
    }

    /// Runs `body` as one call on the connections. Counted before the check: either `close` sees this call
    /// and waits for it, or this call sees `close` and fails; checked alone, a call could pass the check,
    /// then find the pool stopped and wait for a connection forever.
    private func using<T>(_ body: () async throws -> T) async throws -> T {
        inUse.add(1, ordering: .sequentiallyConsistent)
        defer { inUse.subtract(1, ordering: .sequentiallyConsistent) }
        if closed.load(ordering: .sequentiallyConsistent) { throw StoreError("the database \(location) is closed") }
        return try await body()
    }

    /// A consistent copy of the whole database, taken while it is in use (`VACUUM INTO`).
    public func backup(to path: String) async throws {
        guard !isPostgres else {
            throw ConfigurationError(setting: "backup", problem: "is for SQLite; back PostgreSQL up with pg_dump")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationError(setting: "to", problem: "'\(path)' exists already; choose a new file")
        }
        try await read { db in try await db.raw("VACUUM INTO \(bind: path)").run() }
    }

    /// Runs `body` in one transaction: all of it is committed, or none of it. On PostgreSQL `body` may run
    /// again (from the start, in a new transaction) after a deadlock or serialization failure.
    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writeOnConnection { db, _ in try await body(db) }
    }

    /// `write`, also handing `body` the PostgreSQL connection the transaction runs on (nil on SQLite), for
    /// what SQLKit does not speak (COPY).
    func writeOnConnection<T: Sendable>(_ body: @Sendable (any SQLDatabase, PostgresConnection?) async throws -> T) async throws -> T {
        try await using { try await writeOnOpenConnection { db, postgres, _ in try await body(db, postgres) } }
    }

    /// The connection a transaction runs on, for what SQLKit does not speak or speaks slowly: SQLite's own statements
    /// with SQLite values for binds, PostgreSQL's COPY.
    enum Connection: Sendable {
        case sqlite(SQLiteConnection)
        case postgres(PostgresConnection)
    }

    /// `write`, also handing `body` the connection the transaction runs on: a bulk import's rows, made before the
    /// write, go in without SQLKit.
    func writeWithConnection<T: Sendable>(_ body: @Sendable (any SQLDatabase, Connection) async throws -> T) async throws -> T {
        try await using {
            try await writeOnOpenConnection { db, postgres, sqlite in
                try await body(db, postgres.map(Connection.postgres) ?? .sqlite(sqlite!))
            }
        }
    }

    private func writeOnOpenConnection<T: Sendable>(
        _ body: @Sendable (any SQLDatabase, PostgresConnection?, SQLiteConnection?) async throws -> T
    ) async throws -> T {
        let queued = ContinuousClock.now
        switch backend {
        case .sqlite(let writer, _):
            return try await writeLock.withLock {
                let start = ContinuousClock.now
                Self.writeWaitTimer.record(duration: start - queued)
                defer { Self.writeTimer.record(duration: ContinuousClock.now - start) }
                return try await transaction(writer.sql(), begin: "BEGIN IMMEDIATE") { try await body($0, nil, writer) }
            }
        case .postgres(let client, _):
          return try await PostgresPool.describingErrors {
            var attempt = 1
            while true {
                do {
                    return try await client.withConnection { conn in
                        let start = ContinuousClock.now
                        Self.writeWaitTimer.record(duration: start - queued)
                        defer { Self.writeTimer.record(duration: ContinuousClock.now - start) }
                        return try await transaction(PostgresSQL(connection: conn), begin: "BEGIN") { try await body($0, conn, nil) }
                    }
                } catch let error as PSQLError where attempt < 5 && PostgresPool.isTransient(error) {
                    logger.debug("retrying a transaction after \(PostgresPool.describe(error))")
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(5 * attempt))
                }
            }
          }
        }
    }

    private func transaction<T: Sendable>(_ db: any SQLDatabase, begin: String,
                                          _ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        // BEGIN, COMMIT and ROLLBACK run in tasks of their own: a caller cancelled mid-transaction (a job
        // stopped at shutdown) must still end it, or the connection would keep it open, holding SQLite's
        // write lock, or go back to PostgreSQL's pool inside a stale transaction.
        try await Self.uncancellable { try await db.raw(SQLQueryString(begin)).run() }
        do {
            let result = try await body(db)
            try await Self.uncancellable { try await db.raw("COMMIT").run() }
            localWrites.add(1, ordering: .relaxed)
            return result
        } catch {
            do { try await Self.uncancellable { try await db.raw("ROLLBACK").run() } } catch {
                logger.error("rollback failed: \(error)")
            }
            throw error
        }
    }

    private static func uncancellable(_ operation: @escaping @Sendable () async throws -> Void) async throws {
        guard Task.isCancelled else { return try await operation() }
        try await Task { try await operation() }.value
    }

    /// One statement outside a transaction, as an EventLoopFuture chain: whatever `body` chains after the
    /// statement runs on the connection's event loop the moment it commits, with no task hop in between.
    public func autocommitChain<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) -> EventLoopFuture<T>) async throws -> T {
        try await using {
            switch backend {
            case .sqlite(let writer, _):
                return try await writeLock.withLock { try await body(writer.sql()).get() }
            case .postgres(let client, _):
                return try await PostgresPool.describingErrors { try await client.withConnection { try await body(PostgresSQL(connection: $0)).get() } }
            }
        }
    }

    /// Runs statements outside a transaction (VACUUM, checkpoints, long copies).
    public func writeWithoutTransaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await using {
            switch backend {
            case .sqlite(let writer, _):
                return try await writeLock.withLock { try await body(writer.sql()) }
            case .postgres(let client, _):
                return try await PostgresPool.describingErrors { try await client.withConnection { try await body(PostgresSQL(connection: $0)) } }
            }
        }
    }

    public var writesThroughThisHandle: Int { localWrites.load(ordering: .relaxed) }

    /// Gives SQLite's writer connection a page cache of this size, for a bulk import: its index inserts
    /// land on pages all over a file far larger than the usual 64 MiB, and every page that falls out of
    /// the cache is read again and written to the WAL again in the next transaction. No effect on PostgreSQL.
    public func setWriterCache(mebibytes: Int) async throws {
        guard case .sqlite(let writer, _) = backend else { return }
        try await writeLock.withLock { _ = try await writer.query("PRAGMA cache_size = -\(mebibytes * 1024)", []) }
    }

    /// Closes the connections once the calls under way have ended; new calls fail at once. A second call
    /// does nothing.
    public func close() async {
        guard closed.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged else { return }
        while inUse.load(ordering: .sequentiallyConsistent) > 0 {
            do { try await Task.sleep(for: .milliseconds(2)) } catch { await Task.yield() }
        }
        switch backend {
        case .sqlite(let writer, let readers):
            for r in readers { try? await r.close() }
            try? await writer.close()
        case .postgres(_, let run):
            run.cancel()
            // PostgresNIO 1.33's pool now and then does not end its run after a cancel (seen in about one
            // of three test runs under load, the pool holding no connection); waiting on it would hang a
            // shutdown. Given a few seconds, it is left to end on its own.
            if await !Self.ends(run, within: .seconds(5)) {
                logger.warning("the PostgreSQL pool did not stop within 5 s; leaving it to stop on its own")
            }
        }
    }

    /// Whether `task` ends within `limit` (a task's value cannot be cancelled, so a group cannot wait for it).
    private static func ends(_ task: Task<Void, Never>, within limit: Duration) async -> Bool {
        await withCheckedContinuation { (answer: CheckedContinuation<Bool, Never>) in
            let once = Once(answer)
            Task { await task.value; once.give(true) }
            Task { try? await Task.sleep(for: limit); once.give(false) }
        }
    }

    /// A continuation resumed by the first of two racers.
    private final class Once: Sendable {
        private let continuation: Mutex<CheckedContinuation<Bool, Never>?>
        init(_ continuation: CheckedContinuation<Bool, Never>) { self.continuation = Mutex(continuation) }
        func give(_ value: Bool) {
            continuation.withLock { c in c?.resume(returning: value); c = nil }
        }
    }
}

extension SQLDatabase {
    /// Where the two engines' SQL must differ (full-text search, row locks, aggregates).
    public var isPostgres: Bool { dialect.name == "postgresql" }
}
