import DailyPapersCore
import DailyPapersJobs
import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Two handles on one database behave as two `serve` processes would (run on PostgreSQL when the suite is,
/// on one SQLite file otherwise). One test at a time: on SQLite a handle waiting for another's write lock
/// sleeps in a thread of the process's shared SQLite thread pool, and two such tests at once can occupy
/// both threads while the lock holder waits for one to commit (separate processes have separate pools).
@Suite(.serialized) struct SharedDatabaseTests {
    static let logger = Logger(label: "test")

    /// Two processes signing up `Alice` and `alice` at the same moment: one account, one clear refusal.
    @Test func concurrentSignUpsOfOneNameInTwoCasesMakeOneAccount() async throws {
        try await TestDatabase.with { t in
            let other = try await t.openAnother()
            defer { Task { await other.close() } }
            for round in 0..<5 {
                let stores = [AccountStore(database: t.database), AccountStore(database: other)]
                let names = ["Alice\(round)", "alice\(round)"]
                let outcomes = await withTaskGroup(of: String.self) { group in
                    for i in 0..<2 {
                        group.addTask {
                            do {
                                _ = try await stores[i].create(username: names[i], fullname: "A", email: "a\(round)-\(i)@example.org", passwordHash: "x")
                                return "created"
                            } catch AccountStore.CreateError.usernameTaken {
                                return "taken"
                            } catch {
                                return "\(error)"
                            }
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                #expect(outcomes.sorted() == ["created", "taken"], "round \(round)")
            }
        }
    }

    @Test func aScheduledJobRunsInOneProcessAtATime() async throws {
        try await TestDatabase.with { t in
            let other = try await t.openAnother()
            defer { Task { await other.close() } }
            let a = ExclusiveJob(database: t.database, holder: "a", leaseDuration: .seconds(3), logger: Self.logger)
            let b = ExclusiveJob(database: other, holder: "b", leaseDuration: .seconds(3), logger: Self.logger)
            let running = Atomic<Int>(0), most = Atomic<Int>(0), runs = Atomic<Int>(0), finish = Atomic<Bool>(false)
            @Sendable func work() async throws -> String {
                let now = running.add(1, ordering: .relaxed).newValue
                _ = most.max(now, ordering: .relaxed)
                runs.add(1, ordering: .relaxed)
                // Runs until told to finish, past its first lease period: it holds only because it is renewed.
                while !finish.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(50)) }
                running.subtract(1, ordering: .relaxed)
                return "done"
            }
            async let first = a.run("digest", work)
            while running.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(20)) }
            // While `a` works, for longer than one lease, `b` keeps being turned away: it tries until a try
            // begins after the first lease would have run out (however slow each try is on a loaded machine).
            let started = ContinuousClock.now
            var refused = 0, tries = 0
            while true {
                let tryStarted = ContinuousClock.now
                tries += 1
                // Should `b` ever get the job, it counts a run and returns (a second `work` would wait forever).
                if try await b.run("digest", { runs.add(1, ordering: .relaxed); return "b ran" }) == nil { refused += 1 }
                if tryStarted - started > .milliseconds(3500) { break }
                try await Task.sleep(for: .milliseconds(400))
            }
            finish.store(true, ordering: .relaxed)
            #expect(try await first == "done")
            #expect(refused == tries && tries >= 2)
            #expect(runs.load(ordering: .relaxed) == 1 && most.load(ordering: .relaxed) == 1)
            // Released at the end: the next scheduled run may happen anywhere.
            #expect(try await b.run("digest", { "b ran" }) == "b ran")
        }
    }

    @Test func aLeaseOfADeadProcessRunsOut() async throws {
        try await TestDatabase.with { t in
            let leases = JobLeaseStore(database: t.database)
            let past = Timestamp.now.adding(seconds: -120)
            #expect(try await leases.acquire("ingest", holder: "dead", for: .seconds(60), now: past))
            #expect(try await leases.holder(of: "ingest") == nil)
            #expect(try await leases.acquire("ingest", holder: "alive", for: .seconds(60)))
            #expect(try await !leases.acquire("ingest", holder: "late", for: .seconds(60)))
            #expect(try await leases.holder(of: "ingest") == "alive")
            // Releasing someone else's lease does nothing.
            try await leases.release("ingest", holder: "late")
            #expect(try await leases.holder(of: "ingest") == "alive")
        }
    }

    @Test func votesThroughTwoHandlesAreCountedOnce() async throws {
        try await TestDatabase.with { t in
            let other = try await t.openAnother()
            defer { Task { await other.close() } }
            let papers = PaperStore(database: t.database)
            let paper = Paper(id: ArxivID(parsing: "2411.00001")!, title: "Shared", abstract: "A")
            try await papers.saveFeatured([FeaturedPaper(paper: paper, day: CalendarDay(iso: "2026-11-27")!, submittedAt: .now, upvotes: 7)], trending: .standard)
            let accounts = AccountStore(database: t.database)
            var ids: [Int] = []
            for i in 0..<30 {
                ids.append(try await accounts.create(username: "v\(i)", fullname: "V", email: "v\(i)@example.org", passwordHash: "x").id)
            }
            let stores = [VoteStore(database: t.database, trending: .standard), VoteStore(database: other, trending: .standard)]
            // Every member votes through both "processes" at once, then half take it back, twice over.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, id) in ids.enumerated() {
                    group.addTask { _ = try await stores[i % 2].setVote(userID: id, paper: paper.id, voted: true) }
                    group.addTask { _ = try await stores[(i + 1) % 2].setVote(userID: id, paper: paper.id, voted: true) }
                }
                try await group.waitForAll()
            }
            #expect(try await papers.paper(paper.id)?.featured?.upvotes == 37)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, id) in ids.enumerated() where i % 2 == 0 {
                    group.addTask { _ = try await stores[i % 2].setVote(userID: id, paper: paper.id, voted: false) }
                    group.addTask { _ = try await stores[(i + 1) % 2].setVote(userID: id, paper: paper.id, voted: false) }
                }
                try await group.waitForAll()
            }
            #expect(try await papers.paper(paper.id)?.featured?.upvotes == 22)
            #expect(try await VoteStore(database: other, trending: .standard).count(paper: paper.id) == 15)
        }
    }
}
