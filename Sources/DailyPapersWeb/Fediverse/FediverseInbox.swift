import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import Hummingbird

/// What other servers POST to the actors' inboxes. Each request must carry an HTTP Signature by the key of the
/// activity's own actor (fetched from its server and kept), over `(request-target)`, `host`, `date` (within an
/// hour) and `digest` (the body's SHA-256, checked); anything else is 401 and changes nothing. Follow, Undo of a
/// Follow, and Delete of an account are acted on; other activities are accepted and ignored.
struct FediverseInbox: Sendable {
    let site: FediverseSite
    let store: FediverseStore
    let client: FediverseClient
    let resolve: @Sendable (String) async throws -> FediverseActor?

    static let maximumBody = 256 * 1024
    static let clockSkew: TimeInterval = 3600

    func receive(_ req: Request, path: String, actorName: String?) async throws -> Response {
        let type = req.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/activity+json") || type.hasPrefix("application/ld+json") || type.hasPrefix("application/json") else {
            throw WebError(status: .unsupportedMediaType, message: "Send an activity as application/activity+json.")
        }
        let body: Data
        do { body = Data(buffer: try await req.body.collect(upTo: Self.maximumBody)) } catch {
            throw WebError.payloadTooLarge("An activity is at most \(Self.maximumBody / 1024) KiB.")
        }
        guard let activity = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
              let kind = activity["type"] as? String, let actorID = Self.id(activity["actor"]) else {
            throw WebError.badRequest("The body is not an activity with a type and an actor.")
        }
        try await verify(req, path: path, body: body, actorID: actorID)
        switch kind {
        case "Follow":
            try await follow(activity, actorID: actorID, inboxActor: actorName)
        case "Undo":
            if let inner = activity["object"] as? [String: Any], inner["type"] as? String == "Follow",
               let target = Self.id(inner["object"]), let name = await localName(target) {
                try await store.unfollow(actor: name, follower: actorID)
            }
        case "Delete" where Self.id(activity["object"]) == actorID:
            try await store.unfollow(actor: nil, follower: actorID)
        default:
            break
        }
        return Response(status: .accepted)
    }

    /// An activity's `actor` or `object` as an id, whether given as a string or an object with one.
    static func id(_ value: Any?) -> String? {
        let text = (value as? String) ?? ((value as? [String: Any])?["id"] as? String)
        guard let text, !text.isEmpty, text.utf8.count <= 2048 else { return nil }
        return text
    }

    /// The local actor an id of ours names.
    func localName(_ id: String) async -> String? {
        let prefix = site.publicURL + "/ap/actors/"
        guard id.hasPrefix(prefix) else { return nil }
        let name = String(id.dropFirst(prefix.count))
        guard !name.contains("/"), let actor = try? await resolve(name.removingPercentEncoding ?? name) else { return nil }
        return actor.name
    }

    private func follow(_ activity: [String: Any], actorID: String, inboxActor: String?) async throws {
        guard let followID = Self.id(activity["id"]), let target = Self.id(activity["object"]), let name = await localName(target) else {
            throw WebError.badRequest("Follow one of this site's actors (its object is the actor's id).")
        }
        if let inboxActor, inboxActor != name { throw WebError.badRequest("This inbox is \(inboxActor)'s; the Follow names another actor.") }
        // Its signature was verified with its key, so its document was read and kept a moment ago.
        var known = try await store.remoteActor(id: actorID)
        if known == nil { known = try? await cachedActor(id: actorID) }
        guard let remote = known else { throw WebError.badRequest("The following actor could not be read.") }
        try await store.follow(actor: name, follower: actorID, inbox: remote.sharedInbox ?? remote.inbox, followID: followID)
        let accept: [String: Any] = [
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": site.actorURL(name) + "#accepts/" + Secrets.token().prefix(16),
            "type": "Accept",
            "actor": site.actorURL(name),
            "object": activity,
        ]
        try await store.enqueue(activityID: accept["id"] as! String, activity: FediverseSite.json(accept), inboxes: [remote.inbox])
    }

    private func cachedActor(id: String) async throws -> FediverseStore.RemoteActor {
        let remote = try await client.fetchActor(id)
        try await store.keep(remote)
        return remote
    }

    /// Refused (401) unless signed as described above by the activity's own actor.
    private func verify(_ req: Request, path: String, body: Data, actorID: String) async throws {
        func unauthorized(_ why: String) -> WebError { WebError(status: .unauthorized, message: "Signature refused: \(why)") }
        guard let header = req.headers[HTTPField.Name("Signature")!], let parsed = HTTPSignature.parse(header) else {
            throw unauthorized("send an HTTP Signature (keyId, headers, signature).")
        }
        for needed in ["(request-target)", "host", "date", "digest"] where !parsed.headers.contains(needed) {
            throw unauthorized("the signature must cover \(needed).")
        }
        guard let dateText = req.headers[.date], let date = HTTPSignature.parseHTTPDate(dateText),
              abs(date.timeIntervalSinceNow) <= Self.clockSkew else { throw unauthorized("Date is missing or more than an hour off.") }
        guard let digest = req.headers[HTTPField.Name("Digest")!],
              digest.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(HTTPSignature.digest(body)) == .orderedSame
                  || $0.trimmingCharacters(in: .whitespaces) == HTTPSignature.digest(body) }) else {
            throw unauthorized("Digest does not match the body.")
        }
        let fields = req.headers
        // HTTP/1's Host header arrives as the request's authority, not among its fields.
        let authority = req.head.authority
        let value: @Sendable (String) -> String? = { name in
            if name == "host" { return authority ?? fields[values: .init("Host")!].first }
            guard let field = HTTPField.Name(name) else { return nil }
            return fields[values: field].joined(separator: ", ").nilIfEmpty
        }
        // The key must be the activity's actor's own: the one its document names (kept, or fetched now from the actor's
        // id), never a key that merely verifies, which another account on the same server could hold.
        var remote = try await store.remoteActor(id: actorID)
        if let kept = remote, kept.keyID == parsed.keyID,
           HTTPSignature.verify(parsed, method: "POST", path: path, header: value, publicPEM: kept.publicPEM) { return }
        // Unknown, or a key that may have changed: read the actor again (at most once a minute per actor).
        if let kept = remote, Date().timeIntervalSince1970 - kept.fetchedAt.secondsSince1970 < 60 { throw unauthorized("the signature does not verify.") }
        do { remote = try await cachedActor(id: actorID) } catch { throw unauthorized("the actor's key could not be read (\(error)).") }
        guard let fresh = remote, fresh.keyID == parsed.keyID,
              HTTPSignature.verify(parsed, method: "POST", path: path, header: value, publicPEM: fresh.publicPEM) else {
            throw unauthorized("the signature does not verify.")
        }
    }
}

private extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
