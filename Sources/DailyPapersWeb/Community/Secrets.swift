import Crypto
import DailyPapersCore
import DailyPapersStore
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// Random tokens for cookies and mailed links, and the hashes the database keeps of them.
enum Secrets {
    /// 32 random bytes from the system's CSPRNG, base64url without padding (43 characters).
    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Base64URL.encode(Data(bytes))
    }

    /// SHA-256 hex: what the sessions and token tables store instead of the token itself.
    static func hash(_ token: String) -> String {
        // Every signed-in request hashes its cookie: hex by table, not String(format:) per byte (60 µs a hash).
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 15)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Compares without stopping at the first difference, so timing says nothing about the token.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// bcrypt on a thread pool, so a 50-100 ms hash never stalls the event loops serving pages.
struct PasswordHasher: Sendable {
    /// log2 of bcrypt's rounds; 10 is the floor the project accepts, 12 a sensible production value.
    let cost: UInt8
    /// A real hash of the same cost, checked when the log-in name is unknown, so the answer takes
    /// as long as for a real account and timing does not tell which names exist.
    let decoyHash: String

    init(cost: Int) throws(ConfigurationError) {
        guard (10...16).contains(cost) else {
            throw ConfigurationError(setting: "bcrypt-cost", problem: "\(cost) is outside 10...16")
        }
        self.cost = UInt8(cost)
        decoyHash = Bcrypt.hash(Secrets.token(), cost: UInt8(cost))
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        // bcrypt stops at a NUL, so "secret\0x" would pass as "secret"; no password may hold one. The hash
        // is still computed, so the answer takes as long either way.
        let hasNUL = password.utf8.contains(0)
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        return matches && !hasNUL
    }
}
