import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization

/// A real HTTP server on loopback that answers like arXiv's API, OAI-PMH and listing endpoints from
/// recorded responses, and remembers what it was asked and when.
public final class FakeArxiv: Sendable {
    public init() {}
    public struct Seen: Sendable {
        public let path: String
        public let query: [String: String]
        public let userAgent: String?
        public let at: ContinuousClock.Instant
    }

    let requests = Mutex<[Seen]>([])
    /// Answers by path; each call pops the first answer, the last one repeats.
    let answers = Mutex<[String: [(status: Int, body: String)]]>([:])

    public func answer(_ path: String, _ list: [(status: Int, body: String)]) { answers.withLock { $0[path] = list } }

    public var seen: [Seen] { requests.withLock { $0 } }

    public func run(_ body: @Sendable (_ baseURL: String) async throws -> Void) async throws {
        let router = Router()
        router.get("**") { request, _ -> Response in
            let path = request.uri.path
            var query: [String: String] = [:]
            for (k, v) in request.uri.queryParameters { query[String(k)] = String(v) }
            self.requests.withLock {
                $0.append(Seen(path: path, query: query, userAgent: request.headers[.userAgent], at: .now))
            }
            let answer = self.answers.withLock { a -> (status: Int, body: String)? in
                guard var list = a[path], !list.isEmpty else { return nil }
                let first = list.count > 1 ? list.removeFirst() : list[0]
                a[path] = list
                return first
            }
            guard let answer else { return Response(status: .notFound) }
            return Response(status: .init(code: answer.status), headers: [.contentType: "application/xml"],
                            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        var logger = Logger(label: "fake-arxiv")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    /// The Atom body of a recorded `{url, status_code, body}` fixture.
    public static func recordedBody(_ fixture: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: try Fixtures.data(fixture)) as! [String: Any]
        return object["body"] as! String
    }
}
