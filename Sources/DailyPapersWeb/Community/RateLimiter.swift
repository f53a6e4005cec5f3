import Foundation
import Synchronization

/// Token buckets keyed by action and by account or address. Each process keeps its own buckets:
/// behind a load balancer with N processes the effective limit is up to N times higher, which is
/// accepted (the limits are about abuse, not quotas).
///
/// Addresses are counted by network: an IPv6 client is its /64 (one subscriber's allocation; counting
/// whole addresses would give each client 2^64 buckets). The log-in name's bucket is per address: a
/// stranger's wrong passwords use up the stranger's tries, never the owner's, so nobody can lock a
/// member out by typing their name.
final class RateLimiter: Sendable {
    struct Rule: Sendable {
        var capacity: Double
        /// Tokens regained per second.
        var refill: Double
        static func perMinute(_ n: Double) -> Rule { Rule(capacity: n, refill: n / 60) }
        static func perHour(_ n: Double) -> Rule { Rule(capacity: n, refill: n / 3600) }
        /// Seconds until a bucket at `tokens` is full again (and can be forgotten).
        func secondsToFull(from tokens: Double) -> Double { (capacity - tokens) / refill }
    }

    enum Action: String, Sendable, CaseIterable {
        case login, signup, submit, comment, vote, collect, ranking, mail, federation
    }

    private struct Bucket { var tokens: Double; var updated: Double; var rule: Rule }
    private let buckets = Mutex([String: Bucket]())
    private let rules: [Action: (account: Rule, ip: Rule)]
    let enabled: Bool
    /// Buckets kept before the full ones are forgotten; a flood of new keys evicts the least used, never all.
    let maximumBuckets: Int

    /// - Parameter scale: multiplies every limit (benchmarks raise it; 0 turns limiting off).
    init(scale: Double, maximumBuckets: Int = 100_000) {
        enabled = scale > 0
        self.maximumBuckets = maximumBuckets
        func s(_ r: Rule) -> Rule { Rule(capacity: r.capacity * max(scale, 0.001), refill: r.refill * max(scale, 0.001)) }
        rules = [
            .login: (s(.perMinute(5)), s(.perMinute(20))),
            .signup: (s(.perHour(5)), s(.perHour(10))),
            .submit: (s(.perHour(10)), s(.perHour(30))),
            .comment: (s(.perMinute(6)), s(.perMinute(30))),
            .vote: (s(.perMinute(120)), s(.perMinute(600))),
            // Saving and arranging collections: as brisk as voting.
            .collect: (s(.perMinute(120)), s(.perMinute(600))),
            // Pages and files made per request from many reads (For you, Following, a collection's export): a reader
            // reloads them now and then, a loop is refused.
            .ranking: (s(.perMinute(30)), s(.perMinute(120))),
            .mail: (s(.perHour(3)), s(.perHour(10))),
            // Other servers' deliveries to the inboxes: each needs a signature check (and may need a key fetched).
            .federation: (s(.perMinute(300)), s(.perMinute(300))),
        ]
    }

    /// Takes one token for the account (or log-in name) and one for the address; throws 429 when either is empty.
    func check(_ action: Action, account: String?, ip: String?, now: Double = Date().timeIntervalSince1970) throws(WebError) {
        guard enabled, let rule = rules[action] else { return }
        let network = ip.map(Self.network)
        var keys: [(String, Rule)] = []
        if let account {
            // A log-in name is throttled per address, so others' failures cannot lock its owner out.
            let scope = action == .login ? "|" + (network ?? "-") : ""
            keys.append(("\(action.rawValue)|a|\(account.lowercased())\(scope)", rule.account))
        }
        if let network { keys.append(("\(action.rawValue)|i|\(network)", rule.ip)) }
        let wait: Double? = buckets.withLock { b in
            if b.count >= maximumBuckets { Self.evict(&b, now: now, keeping: maximumBuckets / 2) }
            var states: [(String, Bucket)] = []
            for (key, r) in keys {
                var bucket = b[key] ?? Bucket(tokens: r.capacity, updated: now, rule: r)
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
            throw WebError.tooManyRequests("Too many attempts; wait \(seconds) second\(seconds == 1 ? "" : "s") and try again.",
                                  retryAfter: seconds)
        }
    }

    /// Forgets buckets that have refilled (forgetting them changes nothing); if that is not enough, the
    /// fullest of the rest, so the buckets of the clients actually being held back are the last to go.
    /// Each eviction frees at least half the table, so its cost is spread over as many new keys.
    private static func evict(_ b: inout [String: Bucket], now: Double, keeping: Int) {
        b = b.filter { _, bucket in now - bucket.updated < bucket.rule.secondsToFull(from: bucket.tokens) }
        guard b.count > keeping else { return }
        let fullest = b.sorted { $0.value.tokens / $0.value.rule.capacity > $1.value.tokens / $1.value.rule.capacity }
        for (key, _) in fullest.prefix(b.count - keeping) { b[key] = nil }
    }

    /// The network an address is counted by: IPv4 as it is, IPv6 by its /64 (IPv4-mapped IPv6 as IPv4).
    static func network(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let text = address.hasPrefix("[") && address.hasSuffix("]") ? String(address.dropFirst().dropLast()) : address
        guard text.contains(":"), inet_pton(AF_INET6, text, &bytes) == 1 else { return text }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        return stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":") + "::/64"
    }
}
