import _CryptoExtras
import AsyncHTTPClient
import DailyPapersCore
import DailyPapersStore
import Foundation
import NIOCore
import NIOHTTP1

/// Requests to other fediverse servers: fetching a remote actor (its inbox and public key) and posting signed
/// activities to inboxes. Every request is signed with the instance's key, times out, reads at most 256 KiB,
/// follows no redirect, and goes only to http(s) URLs the policy allows (by default https to public hosts: no
/// loopback, private or link-local address literals, so an inbound request cannot make this server probe its
/// own network).
final class FediverseClient: Sendable {
    struct Refused: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    let site: FediverseSite
    let store: FediverseStore
    /// Plain http and private addresses too: for tests and closed networks (`--fediverse-private-peers`).
    let allowPrivatePeers: Bool
    private let key = LockedValue<_RSA.Signing.PrivateKey?>(nil)
    static let timeout = TimeAmount.seconds(10)
    static let maximumBody = 256 * 1024

    private static let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                         configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10))))

    init(site: FediverseSite, store: FediverseStore, allowPrivatePeers: Bool) {
        self.site = site
        self.store = store
        self.allowPrivatePeers = allowPrivatePeers
    }

    /// The instance's key: read (or made, RSA 2048) once per process.
    func privateKey() async throws -> _RSA.Signing.PrivateKey {
        if let k = key.value { return k }
        let pem = try await store.key {
            let k = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return (k.pemRepresentation, k.publicKey.pemRepresentation)
        }
        let k = try _RSA.Signing.PrivateKey(pemRepresentation: pem.privatePEM)
        key.value = k
        return k
    }

    func publicPEM() async throws -> String { try await privateKey().publicKey.pemRepresentation }

    /// Whether a URL may be asked: http(s), a host, no credentials; https to a public host unless private peers are allowed.
    func allowed(_ text: String) -> URL? {
        guard text.utf8.count <= 2048, let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
              !host.isEmpty, url.user == nil, url.password == nil else { return nil }
        if allowPrivatePeers { return ["http", "https"].contains(scheme) ? url : nil }
        guard scheme == "https", !Self.isPrivate(host) else { return nil }
        return url
    }

    /// Loopback, private, link-local and unspecified address literals, and localhost.
    static func isPrivate(_ host: String) -> Bool {
        let h = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h.hasSuffix(".localhost") || h.hasSuffix(".local") || h.hasSuffix(".internal") { return true }
        let parts = h.split(separator: ".").compactMap { UInt8($0) }
        if parts.count == 4 {
            switch (parts[0], parts[1]) {
            case (10, _), (127, _), (0, _), (169, 254), (192, 168): return true
            case (172, let b) where (16...31).contains(b): return true
            case (100, let b) where (64...127).contains(b): return true
            default: return false
            }
        }
        if h.contains(":") {
            let lower = h.lowercased()
            return lower == "::1" || lower == "::" || lower.hasPrefix("fe80:") || lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("::ffff:")
        }
        return false
    }

    private func signedHeaders(method: String, url: URL, body: Data?, keyName: String) async throws -> HTTPHeaders {
        let host = url.port.map { "\(url.host!):\($0)" } ?? url.host!
        var signed: [(String, String)] = [("host", host), ("date", HTTPSignature.httpDate())]
        if let body {
            signed.append(("digest", HTTPSignature.digest(body)))
            signed.append(("content-type", "application/activity+json"))
        } else {
            signed.append(("accept", "application/activity+json, application/ld+json"))
        }
        let path = (url.path.isEmpty ? "/" : url.path) + (url.query.map { "?" + $0 } ?? "")
        let signature = try HTTPSignature.sign(method: method, path: path, headers: signed, keyID: site.keyID(keyName), key: try await privateKey())
        var headers = HTTPHeaders(signed.map { ($0.0, $0.1) })
        headers.add(name: "signature", value: signature)
        headers.add(name: "user-agent", value: "DailyPapers/1.0 (+\(site.publicURL))")
        return headers
    }

    /// A remote actor's inbox, shared inbox and public key, from its document (its id is the document's own).
    func fetchActor(_ id: String) async throws -> FediverseStore.RemoteActor {
        guard let url = allowed(id) else { throw Refused(reason: "not an address this server asks: \(id.prefix(100))") }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers = try await signedHeaders(method: "GET", url: url, body: nil, keyName: "daily")
        let response = try await Self.http.execute(request, timeout: Self.timeout)
        let body = try await response.body.collect(upTo: Self.maximumBody)
        guard response.status == .ok else { throw Refused(reason: "HTTP \(response.status.code) for \(id.prefix(100))") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let actorID = object["id"] as? String, let inbox = object["inbox"] as? String,
              let publicKey = object["publicKey"] as? [String: Any], let pem = publicKey["publicKeyPem"] as? String,
              let keyID = publicKey["id"] as? String else {
            throw Refused(reason: "\(id.prefix(100)) is not an actor with a public key")
        }
        // The document must be the one asked for (no actor speaks for another), its inbox an address we may post to.
        guard actorID == id.split(separator: "#")[0].description, allowed(inbox) != nil,
              URL(string: keyID)?.host?.lowercased() == url.host?.lowercased() else {
            throw Refused(reason: "\(id.prefix(100)) describes another actor, a key on another host, or an inbox this server does not post to")
        }
        let shared = (object["endpoints"] as? [String: Any])?["sharedInbox"] as? String
        return .init(id: actorID, inbox: inbox, sharedInbox: shared.flatMap { allowed($0) != nil ? $0 : nil }, keyID: keyID,
                     publicPEM: pem, fetchedAt: .now)
    }

    /// POSTs an activity, signed by the actor `keyName`; the HTTP status.
    func post(_ activity: String, to inbox: String, keyName: String) async throws -> Int {
        guard let url = allowed(inbox) else { throw Refused(reason: "not an inbox this server posts to: \(inbox.prefix(100))") }
        let body = Data(activity.utf8)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers = try await signedHeaders(method: "POST", url: url, body: body, keyName: keyName)
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await Self.http.execute(request, timeout: Self.timeout)
        _ = try? await response.body.collect(upTo: Self.maximumBody)
        return Int(response.status.code)
    }
}
