import DailyPapersCore
import Foundation
import Logging

/// Asks GitHub's REST API how many stars a repository has, politely: one request at a time a second apart (the
/// shared `PoliteHTTPClient`), a conditional request with the ETag of the last answer (a 304 costs an
/// authenticated client nothing of its rate limit), an optional token, and a stop when the rate limit is spent.
public struct GitHubStarsClient: Sendable {
    public enum Answer: Sendable, Equatable {
        /// The count, with the ETag to ask with next time.
        case stars(Int, etag: String?)
        /// Unchanged since the ETag sent.
        case unchanged
        /// No such repository (deleted, private, or never there): 404, 410, 451.
        case gone
        /// The rate limit is spent: ask nothing more before `until` (from the reset header or Retry-After).
        case rateLimited(until: Timestamp)
    }

    let http: PoliteHTTPClient
    let base: String
    let token: String?

    /// - Parameter base: `https://api.github.com`, or a mirror or recording proxy (tests use one on loopback).
    public init(base: String = "https://api.github.com", token: String? = nil, interval: Duration = .seconds(1),
                userAgent: String, logger: Logger) {
        var policy = PoliteHTTPClient.Policy()
        policy.minimumInterval = interval
        policy.timeout = .seconds(20)
        policy.maxAttempts = 3
        policy.initialBackoff = .seconds(2)
        // A repository's JSON is a few KiB; anything far larger is not GitHub's answer.
        policy.maxBodyBytes = 1 << 20
        self.http = PoliteHTTPClient(userAgent: userAgent, policy: policy, logger: logger)
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// - Parameter repository: `owner/name` as `LinkFinder.gitHubRepository` gives it (checked characters only).
    public func stars(of repository: String, etag: String?, now: Timestamp = .now) async throws -> Answer {
        var headers = [("Accept", "application/vnd.github+json"), ("X-GitHub-Api-Version", "2022-11-28")]
        if let etag { headers.append(("If-None-Match", etag)) }
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let response = try await http.get("\(base)/repos/\(repository)", headers: headers)
        switch response.status {
        case 200:
            guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
                  let count = object["stargazers_count"] as? Int, count >= 0 else {
                throw FetchError(url: response.url, reason: "the answer has no stargazers_count")
            }
            return .stars(count, etag: response.headers["etag"].flatMap { $0.utf8.count <= 200 ? $0 : nil })
        case 304:
            return .unchanged
        case 404, 410, 451:
            return .gone
        case 403 where response.headers["x-ratelimit-remaining"] == "0" || response.headers["retry-after"] != nil:
            let reset = response.headers["x-ratelimit-reset"].flatMap(Int64.init).map { Timestamp(millisecondsSince1970: $0 * 1000) }
            let retry = response.headers["retry-after"].flatMap(Int64.init).map { now.adding(seconds: Double($0)) }
            return .rateLimited(until: reset ?? retry ?? now.adding(seconds: 3600))
        default:
            throw FetchError(url: response.url, reason: "HTTP \(response.status)")
        }
    }
}
