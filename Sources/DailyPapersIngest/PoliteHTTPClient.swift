import AsyncHTTPClient
import DailyPapersCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// An HTTP GET client that keeps a source's terms of use: one request at a time, at least
/// `minimumInterval` from the end of one to the start of the next (so the server, whatever the
/// latency, never sees two closer than that), a User-Agent naming the instance and a
/// contact, and retries with exponential backoff on 5xx, 429, timeouts and dropped connections
/// (`Retry-After` honoured). Other answers go back to the caller, who knows what they mean.
public final class PoliteHTTPClient: Sendable {
    public struct Response: Sendable {
        public let status: Int
        public let body: Data
        public let url: String
        /// Response headers by lowercased name (a repeated header's values joined with ", ").
        public var headers: [String: String] = [:]
    }

    public struct Policy: Sendable {
        /// arXiv asks for at most one request every 3 seconds.
        public var minimumInterval: Duration = .seconds(3)
        public var timeout: Duration = .seconds(60)
        public var maxAttempts = 5
        public var initialBackoff: Duration = .seconds(5)
        public var maxBodyBytes = 256 << 20
        public init() {}
    }

    let userAgent: String
    let policy: Policy
    let logger: Logger
    private let lock = AsyncLock()
    private let lastEnd = LockedValue<ContinuousClock.Instant?>(nil)

    /// - Parameter userAgent: e.g. "DailyPapers/1.0 (https://papers.example.org; mailto:admin@example.org)".
    public init(userAgent: String, policy: Policy = Policy(), logger: Logger) {
        self.userAgent = userAgent
        self.policy = policy
        self.logger = logger
    }

    /// - Parameter headers: sent beside the User-Agent (conditional requests, credentials, media types).
    public func get(_ url: String, headers: [(String, String)] = []) async throws -> Response {
        try await lock.withLock {
            var attempt = 1
            var backoff = policy.initialBackoff
            while true {
                try await waitForTurn()
                do {
                    let response = try await sendMarkingEnd(url, headers)
                    if (500...599).contains(response.status) || response.status == 429 {
                        guard attempt < policy.maxAttempts else {
                            throw FetchError(url: url, reason: "HTTP \(response.status) after \(attempt) attempts")
                        }
                        let wait = response.retryAfter.map { max($0, backoff) } ?? backoff
                        logger.warning("HTTP \(response.status) from \(url); retrying in \(wait)")
                        try await Task.sleep(for: wait)
                    } else {
                        return Response(status: response.status, body: response.body, url: url, headers: response.headers)
                    }
                } catch let error as FetchError {
                    throw error
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    guard attempt < policy.maxAttempts else {
                        throw FetchError(url: url, reason: "\(error) after \(attempt) attempts")
                    }
                    logger.warning("request to \(url) failed (\(error)); retrying in \(backoff)")
                    try await Task.sleep(for: backoff)
                }
                attempt += 1
                backoff *= 2
            }
        }
    }

    private func waitForTurn() async throws {
        let clock = ContinuousClock()
        if let last = lastEnd.value {
            let next = last.advanced(by: policy.minimumInterval)
            if next > clock.now { try await Task.sleep(until: next, clock: clock) }
        }
    }

    private func sendMarkingEnd(_ url: String, _ headers: [(String, String)]) async throws -> Raw {
        defer { lastEnd.value = ContinuousClock.now }
        return try await send(url, headers)
    }

    private struct Raw {
        let status: Int
        let body: Data
        let retryAfter: Duration?
        let headers: [String: String]
    }

    private func send(_ url: String, _ extra: [(String, String)]) async throws -> Raw {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: userAgent)
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .init(policy.timeout))
        let body = try await response.body.collect(upTo: policy.maxBodyBytes)
        let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }.map { Duration.seconds($0) }
        var headers: [String: String] = [:]
        for (name, value) in response.headers {
            let key = name.lowercased()
            headers[key] = headers[key].map { "\($0), \(value)" } ?? value
        }
        return Raw(status: Int(response.status.code), body: Data(body.readableBytesView), retryAfter: retryAfter, headers: headers)
    }
}

public struct FetchError: Error, CustomStringConvertible {
    public let url: String
    public let reason: String
    public var description: String { "fetching \(url) failed: \(reason)" }
}

extension TimeAmount {
    init(_ d: Duration) {
        let (seconds, attoseconds) = d.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
