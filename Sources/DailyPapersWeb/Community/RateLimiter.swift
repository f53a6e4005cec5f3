import Foundation
import Synchronization

/// Token buckets keyed by action and by account or address. Each process keeps its own buckets:
/// behind a load balancer with N processes the effective limit is up to N times higher, which is
/// accepted (the limits are about abuse, not quotas); the per-account password throttle is therefore
/// generous enough to stay meaningful at that multiple.
final class RateLimiter: Sendable {
    struct Rule: Sendable {
        var capacity: Double
        /// Tokens regained per second.
        var refill: Double
        static func perMinute(_ n: Double) -> Rule { Rule(capacity: n, refill: n / 60) }
        static func perHour(_ n: Double) -> Rule { Rule(capacity: n, refill: n / 3600) }
    }

    enum Action: String, Sendable, CaseIterable {
        case login, signup, submit, comment, vote, mail
    }

    private struct Bucket { var tokens: Double; var updated: Double }
    private let buckets = Mutex([String: Bucket]())
    private let rules: [Action: (account: Rule, ip: Rule)]
    let enabled: Bool

    /// - Parameter scale: multiplies every limit (benchmarks raise it; 0 turns limiting off).
    init(scale: Double) {
        enabled = scale > 0
        func s(_ r: Rule) -> Rule { Rule(capacity: r.capacity * max(scale, 0.001), refill: r.refill * max(scale, 0.001)) }
        rules = [
            .login: (s(.perMinute(5)), s(.perMinute(20))),
            .signup: (s(.perHour(5)), s(.perHour(10))),
            .submit: (s(.perHour(10)), s(.perHour(30))),
            .comment: (s(.perMinute(6)), s(.perMinute(30))),
            .vote: (s(.perMinute(120)), s(.perMinute(600))),
            .mail: (s(.perHour(3)), s(.perHour(10))),
        ]
    }

    /// Takes one token for the account (or log-in name) and one for the address; throws 429 when either is empty.
    func check(_ action: Action, account: String?, ip: String?, now: Double = Date().timeIntervalSince1970) throws(TooManyRequests) {
        guard enabled, let rule = rules[action] else { return }
        var keys: [(String, Rule)] = []
        if let account { keys.append(("\(action.rawValue)|a|\(account.lowercased())", rule.account)) }
        if let ip { keys.append(("\(action.rawValue)|i|\(ip)", rule.ip)) }
        let wait: Double? = buckets.withLock { b in
            if b.count > 100_000 { b.removeAll(keepingCapacity: true) }  // bounded memory under a flood of new keys
            var states: [(String, Bucket)] = []
            for (key, r) in keys {
                var bucket = b[key] ?? Bucket(tokens: r.capacity, updated: now)
                bucket.tokens = min(r.capacity, bucket.tokens + (now - bucket.updated) * r.refill)
                bucket.updated = now
                if bucket.tokens < 1 { return (1 - bucket.tokens) / r.refill }
                states.append((key, bucket))
            }
            for (key, var bucket) in states { bucket.tokens -= 1; b[key] = bucket }
            return nil
        }
        if let wait {
            let seconds = max(1, Int(wait.rounded(.up)))
            throw TooManyRequests(message: "Too many attempts; wait \(seconds) second\(seconds == 1 ? "" : "s") and try again.",
                                  retryAfter: seconds)
        }
    }
}
