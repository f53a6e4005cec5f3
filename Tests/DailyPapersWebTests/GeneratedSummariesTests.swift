import DailyPapersCore
import DailyPapersJobs
import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
@testable import DailyPapersWeb

/// Optional generated summaries (issue 29, item 4) against an OpenAI-compatible endpoint on loopback: written
/// for featured papers without one, marked as generated, bounded by the hourly budget, replaced by a summary an
/// import brings; a failing, slow or garbled endpoint writes nothing and holds up no page.
@Suite struct GeneratedSummariesTests {
    enum Mode: Sendable { case answer, fail, slow, garbage }

    final class FakeModel: Sendable {
        let mode: Mutex<Mode>
        let bodies = Mutex<[(body: Data, authorization: String?)]>([])
        init(_ mode: Mode) { self.mode = Mutex(mode) }
        var requests: [(body: [String: Any], authorization: String?)] {
            bodies.withLock { $0 }.map { ((try? JSONSerialization.jsonObject(with: $0.body)) as? [String: Any] ?? [:], $0.authorization) }
        }

        func run(_ body: @Sendable (String) async throws -> Void) async throws {
            let router = Router()
            router.post("/v1/chat/completions") { request, _ -> Response in
                let data = Data(buffer: try await request.body.collect(upTo: 1 << 20))
                let authorization = request.headers[.authorization]
                self.bodies.withLock { $0.append((data, authorization)) }
                switch self.mode.withLock({ $0 }) {
                case .fail: return Response(status: .internalServerError)
                case .garbage: return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "<html>busy</html>")))
                case .slow: try await Task.sleep(for: .seconds(3)); return Response(status: .ok)
                case .answer:
                    let answer = #"{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"**Summary:** The paper trains a reward model without step labels.\nIt finds implicit process rewards match labelled ones at a fraction of the cost."},"finish_reason":"stop"}]}"#
                    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
                }
            }
            var logger = Logger(label: "fake-model")
            logger.logLevel = .warning
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
            try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)/v1") }
        }
    }

    static let logger: Logger = { var l = Logger(label: "test"); l.logLevel = .warning; return l }()

    func summarised(_ env: AppEnvironment) async throws -> [PaperRecord] {
        let ids = try await env.database.read { db in
            try await db.raw("SELECT arxiv_id FROM papers WHERE ai_summary_generated = 1 ORDER BY arxiv_id").all()
                .map { try $0.decode(column: "arxiv_id", as: String.self) }
        }
        return try await PaperStore(database: env.database).papers(ids).values.sorted { $0.paper.id.base < $1.paper.id.base }
    }

    @Test func summariesAreWrittenMarkedBoundedAndGiveWayToImportedOnes() async throws {
        try await withAppEnvironment { client, env in
            let model = FakeModel(.answer)
            try await model.run { base in
                let job = SummariesJob(database: env.database, settings: .init(base: base, model: "tiny-summariser", key: "sk-test", perHour: 3),
                                       logger: Self.logger)
                let first = try await job.run()
                #expect(first.asked == 3 && first.written == 3 && first.failure == nil, "\(first)")
                // The hour's budget is spent, whichever process asks next.
                #expect(try await job.run().asked == 0)
                let sent = try #require(model.requests.first)
                #expect(sent.authorization == "Bearer sk-test")
                #expect(sent.body["model"] as? String == "tiny-summariser" && sent.body["max_tokens"] as? Int == 200)
                let messages = try #require(sent.body["messages"] as? [[String: Any]])
                #expect((messages.last?["content"] as? String)?.hasPrefix("Title: ") == true)

                let written = try await summarised(env)
                #expect(written.count == 3)
                let one = try #require(written.first)
                // Markup the model added is dropped; one paragraph, shown marked as generated.
                #expect(one.paper.aiSummary == "Summary: The paper trains a reward model without step labels. It finds implicit process rewards match labelled ones at a fraction of the cost.")
                let page = String(buffer: try await client.execute(uri: "/papers/\(one.paper.id.base)", method: .get).body)
                #expect(page.contains("It finds implicit process rewards") && page.contains("Generated from the abstract by a language model"))
                let markdown = String(buffer: try await client.execute(uri: "/papers/\(one.paper.id.base).md", method: .get).body)
                #expect(markdown.contains("_Generated from the abstract by a language model; not written by the authors._"))

                // A later import that brings the paper's own summary replaces the generated one and its mark.
                let day = try JSONSerialization.jsonObject(with: Fixtures.data("hf-daily/2024-12-04.json")) as! [[String: Any]]
                let withSummary = day.map { item -> [String: Any] in
                    var item = item, paper = item["paper"] as! [String: Any]
                    if paper["id"] as? String == one.paper.id.base { paper["ai_summary"] = "The authors' own summary." }
                    item["paper"] = paper
                    return item
                }
                let file = env.folder + "/2024-12-04.json"
                try JSONSerialization.data(withJSONObject: withSummary).write(to: URL(fileURLWithPath: file))
                _ = try await HFDailyImport(store: PaperStore(database: env.database), trending: .standard).run(paths: [file])
                let after = try #require(try await PaperStore(database: env.database).paper(one.paper.id))
                #expect(after.paper.aiSummary == "The authors' own summary." && !after.paper.aiSummaryGenerated)
            }
        }
    }

    @Test func aFailingSlowOrGarbledEndpointWritesNothingAndHoldsUpNoPage() async throws {
        try await withAppEnvironment { client, env in
            for mode in [Mode.fail, .garbage] {
                let model = FakeModel(mode)
                try await model.run { base in
                    let job = SummariesJob(database: env.database, settings: .init(base: base, model: "m", perHour: 30), logger: Self.logger)
                    let report = try await job.run()
                    // The round stops at the first failure: one request, not thirty.
                    #expect(report.asked == 1 && report.written == 0 && report.failure != nil, "\(mode) \(report)")
                }
            }
            #expect(try await summarised(env).isEmpty)

            let slow = FakeModel(.slow)
            try await slow.run { base in
                var settings = SummariesJob.Settings(base: base, model: "m", perHour: 30)
                settings.timeout = .milliseconds(2500)
                let job = SummariesJob(database: env.database, settings: settings, logger: Self.logger)
                let finished = Mutex(false)
                let round = Task {
                    defer { finished.withLock { $0 = true } }
                    return try await job.run()
                }
                // While the job waits on the model, pages answer as ever (not after it gives up).
                try await Task.sleep(for: .milliseconds(200))
                #expect(try await client.execute(uri: "/", method: .get).status == .ok)
                #expect(finished.withLock { $0 } == false)
                let report = try await round.value
                #expect(report.asked == 1 && report.written == 0 && report.failure != nil, "\(report)")
            }
            #expect(try await summarised(env).isEmpty)
            // Papers that failed are tried again later, not at once: each failed paper waits its backoff.
            let attempts = try await SummaryStore(database: env.database).attempts(since: Timestamp.now.adding(seconds: -3600))
            #expect(attempts == 3)
        }
    }
}
