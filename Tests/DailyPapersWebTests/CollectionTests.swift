import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing
@testable import DailyPapersWeb

/// Saved papers and collections (issue 28, item 1): saved in one click with or without script, kept in named
/// collections with notes and an order, private unless made public (then a page, a feed and exports for anyone),
/// and the same through the API with a personal access token of the right scope.
@Suite struct CollectionTests {
    static let featured = "2412.01981"
    static let unfeatured = "2611.70001"

    func get(_ client: any TestClientProtocol, _ uri: String, cookie: String? = nil, token: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = "__Host-dp_session=\(cookie)" }
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: uri, method: .get, headers: headers)
    }

    func api(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String?, _ body: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    func json(_ response: TestResponse) -> Any? { try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) }

    func slug(of response: TestResponse) throws -> String {
        let location = try #require(response.headers[.location])
        return String(try #require(location.firstMatch(of: /\/collections\/([a-z0-9]{12})/)).output.1)
    }

    func addUnfeaturedPaper(_ env: AppEnvironment) async throws {
        try await PaperStore(database: env.database).savePapers([
            Paper(id: ArxivID(parsing: Self.unfeatured)!, title: "Saving {quokkas} & wombats", abstract: "A paper no one featured.",
                  authors: [Author(name: "Ada Lovelace")]),
        ])
    }

    @Test func savedWithoutScriptAndShownSavedOnEveryPage() async throws {
        try await withAppEnvironment { client, env in
            try await addUnfeaturedPaper(env)
            let members = try await Crowd.make(env, count: 2, prefix: "keeper")
            let (ada, bob) = (members[0], members[1])
            // Signed out: no save, sent to log in. Without the form token: refused.
            let anonymous = try await client.execute(uri: "/save", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                     body: ByteBuffer(string: "paper=\(Self.featured)&save=1"))
            #expect(anonymous.status == .seeOther || anonymous.status == .unauthorized)
            #expect(try await Crowd.post(client, "/save", cookie: ada.cookie, "paper=\(Self.featured)&save=1").status == .forbidden)
            // One click each, a featured paper and one never featured.
            for paper in [Self.featured, Self.unfeatured] {
                let saved = try await Crowd.post(client, "/save", cookie: ada.cookie, "csrf=\(ada.csrf)&paper=\(paper)&save=1&next=/papers/\(paper)")
                #expect(saved.status == .seeOther && saved.headers[.location] == "/papers/\(paper)")
            }
            let again = try await Crowd.post(client, "/save", cookie: ada.cookie, "csrf=\(ada.csrf)&paper=\(Self.featured)&save=1", json: true)
            #expect(String(buffer: again.body) == #"{"changed":false,"paper":"2412.01981","saved":true}"#)
            // The member's pages show them saved (shared pages filled for the member); another member's do not.
            for path in ["/papers/\(Self.featured)", "/papers/\(Self.unfeatured)", "/search?q=quokkas", "/"] {
                let page = String(buffer: try await get(client, path, cookie: ada.cookie).body)
                #expect(page.contains(#"aria-pressed="true" title="Remove from your saved papers""#), "\(path)")
                let other = String(buffer: try await get(client, path, cookie: bob.cookie).body)
                #expect(!other.contains(#"title="Remove from your saved papers""#) && other.contains(#"title="Save for later""#), "\(path)")
            }
            // "Saved" is a collection: private, both papers, in the order saved; not found by anyone else.
            let list = String(buffer: try await get(client, "/collections", cookie: ada.cookie).body)
            let saved = String(try #require(list.firstMatch(of: /href="\/collections\/([a-z0-9]{12})">Saved</)).output.1)
            let page = String(buffer: try await get(client, "/collections/\(saved)", cookie: ada.cookie).body)
            let first = try #require(page.range(of: "/papers/\(Self.featured)")), second = try #require(page.range(of: "/papers/\(Self.unfeatured)"))
            #expect(first.lowerBound < second.lowerBound)
            #expect(try await get(client, "/collections/\(saved)", cookie: bob.cookie).status == .notFound)
            #expect(try await get(client, "/collections/\(saved)").status == .notFound)
            #expect(try await get(client, "/collections/\(saved).bib").status == .notFound)
            #expect(try await get(client, "/feeds/collection/\(saved).atom").status == .notFound)
            // Unsaved in one click.
            _ = try await Crowd.post(client, "/save", cookie: ada.cookie, "csrf=\(ada.csrf)&paper=\(Self.featured)&save=0")
            #expect(try await CollectionStore(database: env.database).savedPapers(userID: ada.account.id, among: [Self.featured, Self.unfeatured])
                    == [Self.unfeatured])
            // A paper the site does not hold, or no id at all: refused, nothing kept.
            #expect(try await Crowd.post(client, "/save", cookie: ada.cookie, "csrf=\(ada.csrf)&paper=2611.99999&save=1").status == .notFound)
            #expect(try await Crowd.post(client, "/save", cookie: ada.cookie, "csrf=\(ada.csrf)&paper=nonsense&save=1").status == .badRequest)
        }
    }

    @Test func aCollectionIsArrangedByItsMemberAloneAndSharedWhenPublic() async throws {
        try await withAppEnvironment { client, env in
            try await addUnfeaturedPaper(env)
            let members = try await Crowd.make(env, count: 2, prefix: "curator")
            let (ada, bob) = (members[0], members[1])
            let made = try await Crowd.post(client, "/collections", cookie: ada.cookie,
                                            "csrf=\(ada.csrf)&name=Reading+group&description=Papers+for+Friday&paper=\(Self.unfeatured)&note=first+read")
            #expect(made.status == .seeOther)
            let slug = try slug(of: made)
            for (paper, note) in [(Self.featured, "then+this"), ("2412.02259", "")] {
                #expect(try await Crowd.post(client, "/collections/\(slug)/add", cookie: ada.cookie, "csrf=\(ada.csrf)&paper=\(paper)&note=\(note)").status == .seeOther)
            }
            // Another member's forms change nothing (the collection is not theirs: not found).
            #expect(try await Crowd.post(client, "/collections/\(slug)/remove", cookie: bob.cookie, "csrf=\(bob.csrf)&paper=\(Self.featured)").status == .notFound)
            #expect(try await Crowd.post(client, "/collections/\(slug)/edit", cookie: bob.cookie, "csrf=\(bob.csrf)&name=Mine&public=1").status == .notFound)
            // Moved, noted, and private until made public.
            _ = try await Crowd.post(client, "/collections/\(slug)/move", cookie: ada.cookie, "csrf=\(ada.csrf)&paper=2412.02259&to=0")
            _ = try await Crowd.post(client, "/collections/\(slug)/note", cookie: ada.cookie, "csrf=\(ada.csrf)&paper=\(Self.featured)&note=the+key+one")
            let tooLong = String(repeating: "n", count: CollectionStore.noteLength + 1)
            #expect(try await Crowd.post(client, "/collections/\(slug)/note", cookie: ada.cookie, "csrf=\(ada.csrf)&paper=\(Self.featured)&note=\(tooLong)").status == .badRequest)
            #expect(try await get(client, "/collections/\(slug)").status == .notFound)
            _ = try await Crowd.post(client, "/collections/\(slug)/edit", cookie: ada.cookie,
                                     "csrf=\(ada.csrf)&name=Reading+group&description=Papers+for+Friday&public=1")
            let shared = String(buffer: try await get(client, "/collections/\(slug)").body)
            let order = ["2412.02259", Self.unfeatured, Self.featured].map { try? #require(shared.range(of: "/papers/\($0)\"")).lowerBound }
            #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted() && order.allSatisfy { $0 != nil })
            #expect(shared.contains("the key one") && shared.contains("first read") && !shared.contains("Take out"))
            // The member's profile lists it; its feed and exports are anyone's.
            #expect(String(buffer: try await get(client, "/users/curator0").body).contains("/collections/\(slug)"))
            let atom = String(buffer: try await get(client, "/feeds/collection/\(slug).atom").body)
            #expect(atom.contains("<feed") && atom.contains("Saving {quokkas} &amp; wombats"))
            let bib = try await get(client, "/collections/\(slug).bib")
            #expect(bib.headers[.contentType]?.hasPrefix("application/x-bibtex") == true)
            #expect(String(buffer: bib.body).components(separatedBy: "@misc{").count == 4)
            #expect(String(buffer: try await get(client, "/collections/\(slug).ris").body).components(separatedBy: "TY  - UNPB").count == 4)
            let csl = try #require(json(try await get(client, "/collections/\(slug).csl.json")) as? [[String: Any]])
            #expect(csl.compactMap { $0["number"] as? String } == ["arXiv:2412.02259", "arXiv:\(Self.unfeatured)", "arXiv:\(Self.featured)"])
            // Deleted by its member: gone, the papers stay.
            #expect(try await Crowd.post(client, "/collections/\(slug)/delete", cookie: ada.cookie, "csrf=\(ada.csrf)").status == .seeOther)
            #expect(try await get(client, "/collections/\(slug)").status == .notFound)
            #expect(try await get(client, "/papers/\(Self.unfeatured)").status == .ok)
        }
    }

    @Test func theAPITakesATokenOfTheRightScopeAndNeverTheCookie() async throws {
        try await withAppEnvironment { client, env in
            let member = try await Crowd.make(env, count: 1, prefix: "scripter")[0]
            let tokens = AccessTokenStore(database: env.database)
            let reader = "dp_" + Secrets.token(), writer = "dp_" + Secrets.token()
            _ = try await tokens.create(userID: member.account.id, name: "reads", scope: .read, tokenHash: Secrets.hash(reader))
            _ = try await tokens.create(userID: member.account.id, name: "writes", scope: .write, tokenHash: Secrets.hash(writer))
            let body = #"{"name":"From a script","public":true}"#
            #expect(try await api(client, .post, "/api/collections", token: nil, body).status == .unauthorized)
            #expect(try await api(client, .post, "/api/collections", token: reader, body).status == .forbidden)
            // The session cookie is no key to the API's writes.
            let withCookie = try await client.execute(uri: "/api/collections", method: .post,
                                                      headers: [.cookie: "__Host-dp_session=\(member.cookie)", .contentType: "application/json"],
                                                      body: ByteBuffer(string: body))
            #expect(withCookie.status == .unauthorized)
            let made = try await api(client, .post, "/api/collections", token: writer, body)
            #expect(made.status == .created)
            let slug = try #require((json(made) as? [String: Any])?["slug"] as? String)
            #expect(try await api(client, .post, "/api/collections/\(slug)/papers", token: writer, #"{"paper":"2412.01981","note":"good"}"#).status == .created)
            #expect(try await api(client, .post, "/api/collections/saved/papers", token: writer, #"{"paper":"https://arxiv.org/abs/2412.02259v2"}"#).status == .created)
            #expect(try await api(client, .post, "/api/collections/saved/papers", token: reader, #"{"paper":"2412.01981"}"#).status == .forbidden)
            // Read with either token; a public one with none.
            let mine = try #require(json(try await api(client, .get, "/api/collections", token: reader)) as? [[String: Any]])
            #expect(Set(mine.compactMap { $0["name"] as? String }) == ["Saved", "From a script"])
            let shared = try #require(json(try await api(client, .get, "/api/collections/\(slug)", token: nil)) as? [String: Any])
            let papers = try #require(shared["papers"] as? [[String: Any]])
            #expect(papers.count == 1 && papers[0]["note"] as? String == "good" && (papers[0]["paper"] as? [String: Any])?["id"] as? String == "2412.01981")
            #expect(try await api(client, .get, "/api/collections/saved", token: nil).status == .notFound)
            let saved = try #require(json(try await api(client, .get, "/api/collections/saved", token: reader)) as? [String: Any])
            #expect(saved["saved"] as? Bool == true && saved["numPapers"] as? Int == 1 && saved["public"] as? Bool == false)
            // Bad bodies are 400s that say why; nothing is half-made.
            for bad in ["", "{", #"{"name":5}"#, #"{"paper":"2412.01981","position":-1}"#, "[]"] {
                let path = bad.contains("paper") ? "/api/collections/\(slug)/papers" : "/api/collections"
                #expect(try await api(client, .post, path, token: writer, bad).status == .badRequest, "\(bad)")
            }
            #expect(try await api(client, .delete, "/api/collections/\(slug)/papers/2412.01981", token: writer).status == .noContent)
            #expect(try await api(client, .delete, "/api/collections/\(slug)/papers/2412.01981", token: writer).status == .notFound)
            #expect(try await api(client, .delete, "/api/collections/saved", token: writer).status == .badRequest)
            #expect(try await api(client, .delete, "/api/collections/\(slug)", token: writer).status == .noContent)
            #expect(try await api(client, .get, "/api/collections/\(slug)", token: nil).status == .notFound)
        }
    }

    @Test func boundsHoldWhenEverythingArrivesAtOnce() async throws {
        try await withAppEnvironment { _, env in
            let member = try await Crowd.make(env, count: 1, prefix: "hoarder")[0]
            let store = CollectionStore(database: env.database)
            let made = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<(CollectionStore.perMember + 5) {
                    group.addTask {
                        do { _ = try await store.create(userID: member.account.id, name: "c\(i)") } catch CollectionStore.Problem.tooManyCollections { return false }
                        return true
                    }
                }
                var n = 0
                for try await ok in group where ok { n += 1 }
                return n
            }
            #expect(made == CollectionStore.perMember)
            // Saving one paper many times at once keeps it once, and makes one "Saved".
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { _ = try await store.setSaved(userID: member.account.id, paper: ArxivID(parsing: "2412.01981")!, saved: true) } }
                try await group.waitForAll()
            }
            let saved = try await store.collections(userID: member.account.id).filter(\.isSaved)
            #expect(saved.count == 1 && saved[0].paperCount == 1)
            for name in ["", "   ", "two\nlines", String(repeating: "x", count: CollectionStore.nameLength + 1)] {
                await #expect(throws: CollectionStore.Problem.badName) { _ = try await store.update(userID: member.account.id, slug: saved[0].slug, name: name) }
            }
        }
    }
}
