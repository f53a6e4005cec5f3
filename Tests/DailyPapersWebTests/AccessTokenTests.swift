import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing
@testable import DailyPapersWeb

/// Personal access tokens: made in settings (shown once, kept hashed), acting for their member through the API's
/// whoami-v2 until revoked; another member cannot revoke them; a banned member's tokens stop working.
@Suite struct AccessTokenTests {
    func whoami(_ client: any TestClientProtocol, _ token: String?) async throws -> (HTTPResponse.Status, [String: Any]?) {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await client.execute(uri: "/api/whoami-v2", method: .get, headers: headers)
        return (response.status, try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func madeInSettingsUsedByTheAPIAndRevoked() async throws {
        try await withAppEnvironment { client, env in
            let members = try await Crowd.make(env, count: 2, prefix: "reader")
            let (ada, bob) = (members[0], members[1])
            let made = try await Crowd.post(client, "/settings/tokens", cookie: ada.cookie,
                                            "csrf=\(ada.csrf)&name=My+script&scope=write")
            #expect(made.status == .ok)
            #expect(made.headers[.cacheControl] == "no-store")
            let page = String(buffer: made.body)
            let token = try #require(page.firstMatch(of: /<code class="token">(dp_[A-Za-z0-9_-]{43})<\/code>/)).output.1.description
            // Kept hashed only.
            let stored = try await env.database.read { db in
                try await db.raw("SELECT token_hash, scope FROM access_tokens").all().map {
                    (try $0.decode(column: "token_hash", as: String.self), try $0.decode(column: "scope", as: String.self))
                }
            }
            #expect(stored.count == 1 && stored[0].0 == Secrets.hash(token) && stored[0].1 == "write")
            #expect(!String(buffer: try await client.execute(uri: "/settings", method: .get,
                                                             headers: [.cookie: "__Host-dp_session=\(ada.cookie)"]).body).contains(token))

            let (status, who) = try await whoami(client, token)
            #expect(status == .ok)
            #expect(who?["name"] as? String == ada.account.username && who?["type"] as? String == "user")
            let access = (who?["auth"] as? [String: Any])?["accessToken"] as? [String: Any]
            #expect(access?["role"] as? String == "write" && access?["displayName"] as? String == "My script")

            for bad in [nil, "dp_" + String(repeating: "A", count: 43), token + "x", "Basic " + token] {
                #expect(try await whoami(client, bad).0 == .unauthorized, "\(bad ?? "none")")
            }
            // Without the form token, or from another member, nothing is made or revoked.
            #expect(try await Crowd.post(client, "/settings/tokens", cookie: ada.cookie, "name=x&scope=read").status == .forbidden)
            let id = try await env.database.read { db in try await db.raw("SELECT id FROM access_tokens").first()!.decode(column: "id", as: Int.self) }
            _ = try await Crowd.post(client, "/settings/tokens/revoke", cookie: bob.cookie, "csrf=\(bob.csrf)&token=\(id)")
            #expect(try await whoami(client, token).0 == .ok)
            // Bad names are refused by name.
            let unnamed = try await Crowd.post(client, "/settings/tokens", cookie: ada.cookie, "csrf=\(ada.csrf)&name=+&scope=read")
            #expect(unnamed.status == .badRequest)
            // Revoked by its member: refused at once.
            let revoked = try await Crowd.post(client, "/settings/tokens/revoke", cookie: ada.cookie, "csrf=\(ada.csrf)&token=\(id)")
            #expect(revoked.status == .seeOther || revoked.status == .found)
            #expect(try await whoami(client, token).0 == .unauthorized)
        }
    }

    @Test func aBannedMembersTokensStopAndTheCountIsBounded() async throws {
        try await withAppEnvironment { client, env in
            let member = try await Crowd.make(env, count: 1, prefix: "mallory")[0]
            let store = AccessTokenStore(database: env.database)
            // Made all at once, more than the bound: exactly the bound are made.
            let attempts = (0..<(AccessTokenStore.perMember + 5)).map { _ in "dp_" + Secrets.token() }
            let made = try await withThrowingTaskGroup(of: String?.self) { group in
                for (i, token) in attempts.enumerated() {
                    group.addTask {
                        do { _ = try await store.create(userID: member.account.id, name: "t\(i)", scope: .read, tokenHash: Secrets.hash(token)) }
                        catch AccessTokenStore.Problem.tooMany { return nil }
                        return token
                    }
                }
                var made: [String] = []
                for try await token in group { if let token { made.append(token) } }
                return made
            }
            #expect(made.count == AccessTokenStore.perMember)
            let tokens = made
            await #expect(throws: AccessTokenStore.Problem.tooMany) {
                try await store.create(userID: member.account.id, name: "one more", scope: .read, tokenHash: Secrets.hash("dp_x"))
            }
            #expect(try await whoami(client, tokens[0]).0 == .ok)
            let moderator = try await AccountStore(database: env.database).create(username: "mod", fullname: "Mod", email: "mod@example.org",
                                                                                  passwordHash: "x", verified: true)
            try await env.database.write { db in try await db.raw("UPDATE users SET role = 'moderator' WHERE id = \(bind: moderator.id)").run() }
            try await ModerationStore(database: env.database, trending: .standard).ban(username: member.account.username, reason: "spam",
                                                                                        moderatorID: moderator.id)
            #expect(try await whoami(client, tokens[0]).0 == .unauthorized)
        }
    }
}
