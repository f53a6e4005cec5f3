import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Saved papers and collections for programs: `/api/collections...`, authenticated with a personal access token
/// (`Authorization: Bearer dp_...`) and never with the session cookie, so no other site can make a reader's browser
/// change them. Reading takes a token of either scope (a public collection needs none); changing takes a
/// read-and-write token. The slug `saved` names the token's member's "Saved" collection.
struct CollectionAPIRoutes: Sendable {
    let community: Community
    var collections: CollectionStore { community.collections }
    static let savedSlug = "saved"
    static let maximumBody = 16 * 1024

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.apiCollections.pattern) { req, _ in
            let (account, _) = try await authorized(req, write: false)
            return Responses.json(try await collections.collections(userID: account.id).map { CollectionJSON($0) })
        }
        router.post(Route.apiCollections.pattern) { req, _ in
            let (account, _) = try await authorized(req, write: true)
            let body = try await Self.body(NewCollection.self, req)
            let made = try await CollectionRoutes.answering {
                try await collections.create(userID: account.id, name: body.name, description: body.description ?? "", isPublic: body.isPublic ?? false)
            }
            return Responses.json(CollectionJSON(made), status: .created)
        }
        router.get(Route.apiCollection.pattern) { req, ctx in
            let slug = try ctx.parameters.require("slug")
            // A token is needed for the member's own private collections (and "saved"), not for a public one.
            let account = try await optionalAccount(req)
            var real: String? = slug
            if slug == Self.savedSlug { real = if let account { try await collections.savedSlug(userID: account.id) } else { nil } }
            guard let real, let c = try await collections.collection(slug: real, viewerID: account?.id) else {
                throw WebError.notFound("There is no collection '\(String(slug.prefix(20)))' here, or it is private (send its member's token).")
            }
            let items = try await collections.items(of: c)
            var response = Responses.json(CollectionJSON(c, items: items))
            response.headers[.cacheControl] = c.isPublic ? "public, max-age=60" : "private, no-store"
            return response
        }
        router.patch(Route.apiCollection.pattern) { req, ctx in
            let (account, _) = try await authorized(req, write: true)
            let slug = try await resolve(try ctx.parameters.require("slug"), account)
            let body = try await Self.body(CollectionChange.self, req)
            let changed = try await CollectionRoutes.answering {
                try await collections.update(userID: account.id, slug: slug, name: body.name, description: body.description, isPublic: body.isPublic)
            }
            return Responses.json(CollectionJSON(changed))
        }
        router.delete(Route.apiCollection.pattern) { req, ctx in
            let (account, _) = try await authorized(req, write: true)
            let slug = try await resolve(try ctx.parameters.require("slug"), account)
            try await CollectionRoutes.answering { try await collections.delete(userID: account.id, slug: slug) }
            return Response(status: .noContent)
        }
        router.post(Route.apiCollectionPapers.pattern) { req, ctx in
            let (account, _) = try await authorized(req, write: true)
            let slug = try await resolve(try ctx.parameters.require("slug"), account)
            let body = try await Self.body(PaperEntry.self, req)
            let id = try WebError.arxivID(body.paper)
            if let position = body.position, !(0...CollectionStore.papersPerCollection).contains(position) {
                throw WebError.badRequest("position is from 0 (first) to \(CollectionStore.papersPerCollection).")
            }
            let added = try await CollectionRoutes.answering {
                let added = try await collections.add(userID: account.id, slug: slug, paper: id, note: body.note ?? "")
                if let note = body.note, !added { try await collections.setNote(userID: account.id, slug: slug, paper: id, note: note) }
                if let position = body.position { try await collections.move(userID: account.id, slug: slug, paper: id, to: position) }
                return added
            }
            return Responses.json(PaperAnswer(paper: id.base, collection: slug, added: added), status: added ? .created : .ok)
        }
        for pattern in [Route.apiCollectionPaper.pattern, Route.apiOldStyleCollectionPaper.pattern] {
            router.delete(pattern) { req, ctx in
                let (account, _) = try await authorized(req, write: true)
                let slug = try await resolve(try ctx.parameters.require("slug"), account)
                let raw = try ctx.parameters.require("id") + (ctx.parameters.get("number").map { "/" + $0 } ?? "")
                let id = try WebError.arxivID(raw)
                guard try await CollectionRoutes.answering({ try await collections.remove(userID: account.id, slug: slug, paper: id) }) else {
                    throw WebError.notFound("\(id.base) is not in this collection.")
                }
                return Response(status: .noContent)
            }
        }
    }

    /// The token's member, refused (401) without a live token and (403) when writing with a read-only one.
    func authorized(_ req: Request, write: Bool) async throws -> (Account, AccessTokenStore.Token) {
        try await AccessTokenRoutes.authorized(req, tokens: community.accessTokens, write: write, toChange: "collections")
    }

    /// The member of a bearer token if one is sent (a bad one is refused rather than ignored).
    func optionalAccount(_ req: Request) async throws -> Account? {
        guard req.headers[.authorization] != nil else { return nil }
        return try await authorized(req, write: false).0
    }

    func resolve(_ slug: String, _ account: Account) async throws -> String {
        try await collections.slug(slug, userID: account.id)
    }

    static func body<T: Decodable>(_ type: T.Type, _ req: Request) async throws -> T {
        try await JSONBody.read(type, req, maximum: maximumBody)
    }

    struct NewCollection: Decodable {
        let name: String
        let description: String?
        let isPublic: Bool?
        enum CodingKeys: String, CodingKey { case name, description, isPublic = "public" }
    }

    struct CollectionChange: Decodable {
        let name: String?
        let description: String?
        let isPublic: Bool?
        enum CodingKeys: String, CodingKey { case name, description, isPublic = "public" }
    }

    struct PaperEntry: Decodable {
        let paper: String
        let note: String?
        let position: Int?
    }

    struct PaperAnswer: Encodable { let paper: String; let collection: String; let added: Bool }
}

extension CollectionStore {
    /// `saved` (the API's and the assistants' name for the member's "Saved" collection) as its slug; any other as given.
    func slug(_ given: String, userID: Int) async throws -> String {
        given == CollectionAPIRoutes.savedSlug ? try await savedSlug(userID: userID) : given
    }
}

/// A collection as the API writes it: Hugging Face's paper objects for its papers, each with the member's note.
struct CollectionJSON: Encodable {
    struct Item: Encodable {
        let paper: HFPaper
        let note: String
        let addedAt: String
    }

    let slug: String
    let name: String
    let description: String
    let owner: String
    let isPublic: Bool
    let saved: Bool
    let numPapers: Int
    let createdAt: String
    let updatedAt: String
    let papers: [Item]?

    enum CodingKeys: String, CodingKey {
        case slug, name, description, owner, isPublic = "public", saved, numPapers, createdAt, updatedAt, papers
    }

    init(_ c: CollectionStore.Collection, items: [CollectionStore.Item]? = nil) {
        slug = c.slug; name = c.name; description = c.description; owner = c.owner; isPublic = c.isPublic; saved = c.isSaved
        numPapers = c.paperCount; createdAt = c.createdAt.iso8601; updatedAt = c.updatedAt.iso8601
        papers = items?.map { Item(paper: HFPaper($0.paper.paper, featured: $0.paper.featured), note: $0.note, addedAt: $0.addedAt.iso8601) }
    }
}
