import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The fediverse's view of the site: WebFinger (`acct:daily@host`), each actor's document, outbox (its papers,
/// newest first, 20 a page), followers (a count) and notes, and the inboxes.
struct FediverseRoutes: Sendable {
    let store: PaperStore
    let users: UserStore
    let database: Database
    let fediverse: FediverseStore
    let client: FediverseClient
    let limiter: RateLimiter
    let trendingWindowDays: Int
    var site: FediverseSite { client.site }
    static let pageSize = 20
    static let maximumPages = 50
    static let activityJSON = "application/activity+json; charset=utf-8"

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.webFinger.pattern) { req, _ in try await webFinger(req) }
        router.get(Route.apActor.pattern) { _, ctx in
            let actor = try await actor(ctx)
            return Self.json(site.actorDocument(actor, publicPEM: try await client.publicPEM()))
        }
        router.get(Route.apOutbox.pattern) { req, ctx in try await outbox(try await actor(ctx), req) }
        router.get(Route.apFollowers.pattern) { _, ctx in
            let actor = try await actor(ctx)
            return Self.json(["@context": "https://www.w3.org/ns/activitystreams", "id": site.followersURL(actor.name),
                              "type": "OrderedCollection", "totalItems": try await fediverse.followerCount(actor: actor.name)])
        }
        for pattern in [Route.apNote.pattern, Route.apOldStyleNote.pattern] {
            router.get(pattern) { _, ctx in
                let actor = try await actor(ctx)
                let id = try WebError.arxivID(try ctx.parameters.require("id") + (ctx.parameters.get("number").map { "/" + $0 } ?? ""))
                guard let record = try await store.paper(id), let featured = record.featured else {
                    throw WebError.notFound("No such note.")
                }
                var note = site.note(actor, featured)
                note["@context"] = "https://www.w3.org/ns/activitystreams"
                return Self.json(note)
            }
        }
        let inbox = FediverseInbox(site: site, store: fediverse, client: client) { [database, users] name in
            try await FediverseActor.named(name, database: database, users: users)
        }
        router.post(Route.apInbox.pattern) { req, ctx in
            try limiter.check(.federation, account: nil, ip: ctx.clientIP)
            let actor = try await actor(ctx)
            return try await inbox.receive(req, path: Route.apInbox.path(actor.name), actorName: actor.name)
        }
        router.post(Route.apSharedInbox.pattern) { req, ctx in
            try limiter.check(.federation, account: nil, ip: ctx.clientIP)
            return try await inbox.receive(req, path: Route.apSharedInbox.path(), actorName: nil)
        }
    }

    func actor(_ ctx: AppRequestContext) async throws -> FediverseActor {
        let name = try ctx.parameters.require("name")
        guard let actor = try await FediverseActor.named(name, database: database, users: users) else {
            throw WebError.notFound("There is no account '\(String(name.prefix(40)))' here.")
        }
        return actor
    }

    /// `resource=acct:NAME@DOMAIN` (or an actor's URL) answered with the actor's address, as Mastodon looks accounts up.
    func webFinger(_ req: Request) async throws -> Response {
        guard let resource = req.query["resource"], resource.utf8.count <= 300 else {
            throw WebError.badRequest("resource: give acct:NAME@\(site.domain).")
        }
        var name: String?
        if resource.lowercased().hasPrefix("acct:") {
            let account = resource.dropFirst(5)
            guard let at = account.lastIndex(of: "@"), account[account.index(after: at)...].lowercased() == site.domain.lowercased() else {
                throw WebError.notFound("No such account here.")
            }
            name = String(account[..<at]).hasPrefix("@") ? String(account[..<at].dropFirst()) : String(account[..<at])
        } else if resource.hasPrefix(site.publicURL + "/ap/actors/") {
            name = String(resource.dropFirst((site.publicURL + "/ap/actors/").count))
        }
        guard let name, let actor = try await FediverseActor.named(name, database: database, users: users) else {
            throw WebError.notFound("No such account here.")
        }
        let document: [String: Any] = [
            "subject": "acct:\(actor.name)@\(site.domain)",
            "aliases": [site.actorURL(actor.name), site.publicURL + actor.htmlPath],
            "links": [
                ["rel": "self", "type": "application/activity+json", "href": site.actorURL(actor.name)],
                ["rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": site.publicURL + actor.htmlPath],
            ],
        ]
        var response = Self.json(document)
        response.headers[.contentType] = "application/jrd+json; charset=utf-8"
        response.headers[HTTPField.Name("Access-Control-Allow-Origin")!] = "*"
        return response
    }

    /// The collection (no `page`), or one page of Create activities, 20 a page, 50 pages deep.
    func outbox(_ actor: FediverseActor, _ req: Request) async throws -> Response {
        let url = site.outboxURL(actor.name)
        guard let pageText = req.query["page"] else {
            return Self.json(["@context": "https://www.w3.org/ns/activitystreams", "id": url, "type": "OrderedCollection",
                              "first": url + "?page=1"])
        }
        guard let page = Int(pageText), (1...Self.maximumPages).contains(page) else {
            throw WebError.badRequest("page: a number from 1 to \(Self.maximumPages).")
        }
        let papers = try await store.featured(actor.query(trendingWindowDays: trendingWindowDays, offset: (page - 1) * Self.pageSize,
                                                          limit: Self.pageSize + 1))
        var document: [String: Any] = [
            "@context": "https://www.w3.org/ns/activitystreams", "id": url + "?page=\(page)", "type": "OrderedCollectionPage",
            "partOf": url, "orderedItems": papers.prefix(Self.pageSize).map { site.create(actor, $0) },
        ]
        if papers.count > Self.pageSize, page < Self.maximumPages { document["next"] = url + "?page=\(page + 1)" }
        if page > 1 { document["prev"] = url + "?page=\(page - 1)" }
        return Self.json(document)
    }

    static func json(_ object: [String: Any]) -> Response {
        Response(status: .ok, headers: [.contentType: activityJSON, .cacheControl: "public, max-age=60"],
                 body: .init(byteBuffer: ByteBuffer(string: FediverseSite.json(object))))
    }
}
