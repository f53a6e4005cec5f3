import DailyPapersCore
import DailyPapersStore
import Foundation
import SQLKit

/// The accounts this site shows the fediverse, each publishing papers: the daily feed (`daily`), trending
/// (`trending`), each arXiv category (`cs.LG`) and each member's submissions (their username). A name is looked
/// up in that order, so a member whose username is also a category's (`hep-th`) is reached only by the category.
enum FediverseActor: Hashable, Sendable {
    case daily
    case trending
    case category(String)
    case member(UserRef)

    var name: String {
        switch self {
        case .daily: "daily"
        case .trending: "trending"
        case .category(let c): c
        case .member(let u): u.username
        }
    }

    var type: String { if case .member = self { "Person" } else { "Service" } }

    func displayName(site: String) -> String {
        switch self {
        case .daily: "\(site): daily papers"
        case .trending: "\(site): trending papers"
        case .category(let c): "\(site): \(c)"
        case .member(let u): "\(u.fullname) on \(site)"
        }
    }

    var summary: String {
        switch self {
        case .daily: "Every paper the community puts on the daily feed."
        case .trending: "Papers as they enter the top ten of the trending list."
        case .category(let c): "Papers in \(c) that the community puts on the daily feed."
        case .member(let u): "The papers @\(u.username) submits to the daily feed."
        }
    }

    /// The page a reader of the account would open.
    var htmlPath: String {
        switch self {
        case .daily: Route.papers.path()
        case .trending: SiteRoute.latest(sort: .trending).path
        case .category(let c): Route.categoryArrivals.path(c)
        case .member(let u): Route.user.path(u.username)
        }
    }

    /// What its outbox lists, newest first (trending: the trending order).
    func query(trendingWindowDays: Int, offset: Int, limit: Int) -> FeedQuery {
        switch self {
        case .daily: FeedQuery(sort: .newest, offset: offset, limit: limit)
        case .trending: FeedQuery(sort: .trending, trendingWindowDays: trendingWindowDays, offset: offset, limit: limit)
        case .category(let c): FeedQuery(sort: .newest, category: c, offset: offset, limit: limit)
        case .member(let u): FeedQuery(sort: .newest, submitter: u.username, offset: offset, limit: limit)
        }
    }

    /// The actor a name means here, or nil.
    static func named(_ name: String, database: Database, users: UserStore) async throws -> FediverseActor? {
        guard !name.isEmpty, name.utf8.count <= 64 else { return nil }
        switch name.lowercased() {
        case "daily": return .daily
        case "trending": return .trending
        default: break
        }
        guard ArxivCategory.isPlausible(name) else { return nil }
        // A category as the papers spell it (cs.LG, math.AP, physics.optics), found in any case.
        let category = try await database.read { db in
            try await db.raw("SELECT category FROM paper_categories WHERE lower(category) = lower(\(bind: name)) LIMIT 1").first()?
                .decode(column: "category", as: String.self)
        }
        if let category { return .category(category) }
        // A banned member's account is gone from the fediverse.
        guard try await !FediverseStore(database: database).isBanned(username: name) else { return nil }
        return try await users.user(username: name).map(FediverseActor.member)
    }
}

/// Where the actors live on this site, and the documents that describe them.
struct FediverseSite: Sendable {
    let publicURL: String
    let siteName: String

    /// The host (and a port other than the scheme's) that WebFinger names: `acct:daily@papers.example.org`.
    var domain: String {
        guard let url = URL(string: publicURL), let host = url.host else { return "localhost" }
        return url.port.map { "\(host):\($0)" } ?? host
    }

    func actorURL(_ name: String) -> String { publicURL + Route.apActor.path(name) }
    func inboxURL(_ name: String) -> String { publicURL + Route.apInbox.path(name) }
    func outboxURL(_ name: String) -> String { publicURL + Route.apOutbox.path(name) }
    func followersURL(_ name: String) -> String { publicURL + Route.apFollowers.path(name) }
    var sharedInboxURL: String { publicURL + Route.apSharedInbox.path() }
    func keyID(_ name: String) -> String { actorURL(name) + "#main-key" }
    func noteURL(_ name: String, _ paper: ArxivID) -> String { publicURL + Route.apNote.path(name, paper.base) }

    static let publicAudience = "https://www.w3.org/ns/activitystreams#Public"
    static let contexts = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]

    func actorDocument(_ actor: FediverseActor, publicPEM: String) -> [String: Any] {
        let name = actor.name
        return [
            "@context": Self.contexts,
            "id": actorURL(name),
            "type": actor.type,
            "preferredUsername": name,
            "name": actor.displayName(site: siteName),
            "summary": "<p>\(TextHelpers.htmlEscaped(actor.summary))</p>",
            "url": publicURL + actor.htmlPath,
            "inbox": inboxURL(name),
            "outbox": outboxURL(name),
            "followers": followersURL(name),
            "endpoints": ["sharedInbox": sharedInboxURL],
            "manuallyApprovesFollowers": false,
            "discoverable": true,
            "publicKey": ["id": keyID(name), "owner": actorURL(name), "publicKeyPem": publicPEM],
        ]
    }

    /// A paper as a Note: its title linked, its authors, one line of what it is about, its keywords as hashtags.
    func note(_ actor: FediverseActor, _ f: FeaturedPaper) -> [String: Any] {
        let p = f.paper
        let page = publicURL + SiteRoute.paper(p.id).path
        let names = p.authors.filter { !$0.hidden }.map(\.name)
        let tags = p.aiKeywords.prefix(5).compactMap(Self.hashtag)
        var html = "<p><a href=\"\(TextHelpers.htmlEscaped(page))\">\(TextHelpers.htmlEscaped(TextHelpers.unwrap(p.title)))</a></p>"
        if !names.isEmpty { html += "<p>\(TextHelpers.htmlEscaped(TextHelpers.shortAuthorList(names)))</p>" }
        html += "<p>\(TextHelpers.htmlEscaped(p.oneLine()))</p>"
        if !tags.isEmpty {
            html += "<p>" + tags.map { tag in
                "<a href=\"\(TextHelpers.htmlEscaped(tagURL(tag)))\" class=\"mention hashtag\" rel=\"tag\">#<span>\(TextHelpers.htmlEscaped(tag))</span></a>"
            }.joined(separator: " ") + "</p>"
        }
        return [
            "id": noteURL(actor.name, p.id),
            "type": "Note",
            "attributedTo": actorURL(actor.name),
            "published": f.submittedAt.iso8601,
            "url": page,
            "to": [Self.publicAudience],
            "cc": [followersURL(actor.name)],
            "content": html,
            "tag": tags.map { ["type": "Hashtag", "href": tagURL($0), "name": "#" + $0] },
            "attachment": [["type": "Link", "href": p.links.abstract, "name": "arXiv:\(p.id.base)", "mediaType": "text/html"]],
        ]
    }

    func create(_ actor: FediverseActor, _ f: FeaturedPaper) -> [String: Any] {
        let note = note(actor, f)
        return [
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": (note["id"] as! String) + "#create",
            "type": "Create",
            "actor": actorURL(actor.name),
            "published": note["published"]!,
            "to": note["to"]!,
            "cc": note["cc"]!,
            "object": note,
        ]
    }

    func tagURL(_ tag: String) -> String { publicURL + Route.search.path() + "?q=" + SiteRoute.percentEncode(tag) }

    /// "reward model" as `RewardModel`: letters and digits of each word, capitalised; nil when nothing is left.
    static func hashtag(_ keyword: String) -> String? {
        let words = keyword.split { !$0.isLetter && !$0.isNumber }
        let tag = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return tag.isEmpty || tag.count > 60 ? nil : tag
    }

    static func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
