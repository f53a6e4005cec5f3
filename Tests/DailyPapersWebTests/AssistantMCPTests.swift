import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import DailyPapersWeb

/// `/mcp` (issue 29, item 1): the Model Context Protocol's messages as an assistant sends them, through the router.
/// The official Python client against the real binary is in tests-py/test_mcp.py.
@Suite struct AssistantMCPTests {
    static let paper = "2412.01981"

    struct Answer {
        let status: HTTPResponse.Status
        let json: [String: Any]
        var result: [String: Any]? { json["result"] as? [String: Any] }
        var errorCode: Int? { (json["error"] as? [String: Any])?["code"] as? Int }
        var isToolError: Bool { result?["isError"] as? Bool == true }
        var structured: [String: Any]? { result?["structuredContent"] as? [String: Any] }
        var text: String? { ((result?["content"] as? [[String: Any]])?.first)?["text"] as? String }
        var paperIDs: [String] { (structured?["papers"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
    }

    func post(_ client: any TestClientProtocol, _ body: String, token: String? = nil,
              contentType: String = "application/json", accept: String = "application/json, text/event-stream") async throws -> Answer {
        var headers: HTTPFields = [.contentType: contentType, .accept: accept]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await client.execute(uri: "/mcp", method: .post, headers: headers, body: ByteBuffer(string: body))
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return Answer(status: response.status, json: json)
    }

    func call(_ client: any TestClientProtocol, _ tool: String, _ arguments: String = "{}", id: Int = 1, token: String? = nil) async throws -> Answer {
        try await post(client, #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":\#(arguments)}}"#, token: token)
    }

    func toolNames(_ answer: Answer) -> [String] {
        ((answer.result?["tools"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
    }

    @Test func publicToolsAnswerAndMistakesAreInvalidParams() async throws {
        try await withApp { client in
            let hello = try await post(client, #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}"#)
            #expect(hello.status == .ok)
            #expect(hello.result?["protocolVersion"] as? String == "2025-06-18")
            #expect((hello.result?["capabilities"] as? [String: Any])?["tools"] != nil)
            let listed = try await post(client, #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#)
            #expect(toolNames(listed) == ["list_papers", "search_papers", "get_paper", "read_paper", "similar_papers"])
            for tool in (listed.result?["tools"] as? [[String: Any]]) ?? [] {
                #expect((tool["description"] as? String)?.count ?? 0 > 80)
                #expect((tool["inputSchema"] as? [String: Any])?["type"] as? String == "object")
            }

            let day = try await call(client, "list_papers", #"{"date":"2024-12-04","limit":3}"#)
            #expect(day.paperIDs.count == 3)
            #expect(day.structured?["period"] as? String == "2024-12-04")
            let more = try #require(day.structured?["next_offset"] as? Int)
            let next = try await call(client, "list_papers", #"{"date":"2024-12-04","limit":3,"offset":\#(more)}"#)
            #expect(Set(next.paperIDs).isDisjoint(with: day.paperIDs) && !next.paperIDs.isEmpty)
            let everything = try await call(client, "list_papers", #"{"date":"2024-12-04","limit":50}"#)
            #expect(everything.paperIDs.contains(Self.paper))
            #expect(try await call(client, "list_papers", #"{"period":"week","date":"2024-W49","limit":50}"#).paperIDs.contains(Self.paper))
            #expect(try await call(client, "list_papers", #"{"period":"month","date":"2024-12","limit":50}"#).paperIDs.contains(Self.paper))

            let found = try await call(client, "search_papers", #"{"query":"Free Process Rewards without Process Labels"}"#)
            #expect(found.paperIDs.first == Self.paper)
            let line = try #require((found.structured?["papers"] as? [[String: Any]])?.first)
            #expect(line["url"] as? String == "https://papers.example.org/papers/\(Self.paper)")
            #expect((line["summary"] as? String)?.isEmpty == false)
            // The same JSON as text for clients that read only text.
            #expect(found.text?.contains(#""id":"\#(Self.paper)""#) == true)

            let details = try await call(client, "get_paper", #"{"id":"https://arxiv.org/abs/\#(Self.paper)v2"}"#)
            #expect(details.structured?["title"] as? String == "Free Process Rewards without Process Labels")
            #expect((details.structured?["authors"] as? [String])?.isEmpty == false)
            #expect(try await call(client, "read_paper", #"{"id":"\#(Self.paper)"}"#).text?.hasPrefix("# Free Process Rewards") == true)
            #expect(try await call(client, "read_paper", #"{"id":"\#(Self.paper)","format":"bibtex"}"#).text?.hasPrefix("@") == true)
            let similar = try await call(client, "similar_papers", #"{"id":"\#(Self.paper)","limit":3}"#)
            #expect(!similar.paperIDs.isEmpty && !similar.paperIDs.contains(Self.paper))

            // Mistakes in a call are the protocol's invalid params, naming what to fix.
            for (tool, arguments) in [("search_papers", "{}"), ("search_papers", #"{"query":"x","bogus":1}"#),
                                      ("search_papers", #"{"query":"x","limit":0}"#), ("search_papers", #"{"query":"x","offset":5000}"#),
                                      ("search_papers", #"{"query":"x","category":"not a category"}"#),
                                      ("list_papers", #"{"date":"2024-13-45"}"#), ("list_papers", #"{"period":"year"}"#),
                                      ("get_paper", #"{"id":"not-an-id"}"#), ("get_paper", #"{"id":42}"#), ("no_such_tool", "{}")] {
                let answer = try await call(client, tool, arguments)
                #expect(answer.status == .ok && answer.errorCode == -32602, "\(tool) \(arguments)")
            }
            // A right call that cannot be done is a tool error the assistant reads.
            let missing = try await call(client, "get_paper", #"{"id":"2101.00001"}"#)
            #expect(missing.isToolError && missing.text?.contains("2101.00001") == true)
            #expect(try await call(client, "save_paper", #"{"id":"\#(Self.paper)"}"#).isToolError)
        }
    }

    @Test func aMemberSavesAndListsWithTheirToken() async throws {
        try await withAppEnvironment { client, env in
            let member = try await Crowd.make(env, count: 1, prefix: "assisted")[0]
            let tokens = AccessTokenStore(database: env.database)
            let reader = "dp_" + Secrets.token(), writer = "dp_" + Secrets.token()
            _ = try await tokens.create(userID: member.account.id, name: "reads", scope: .read, tokenHash: Secrets.hash(reader))
            _ = try await tokens.create(userID: member.account.id, name: "writes", scope: .write, tokenHash: Secrets.hash(writer))

            let listed = try await post(client, #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, token: reader)
            #expect(toolNames(listed).contains("save_paper") && toolNames(listed).contains("list_collections"))
            // A token that is not live is refused outright, not taken as no token.
            let stranger = try await post(client, #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, token: "dp_" + Secrets.token())
            #expect(stranger.status == .unauthorized)

            #expect(try await call(client, "save_paper", #"{"id":"\#(Self.paper)"}"#, token: reader).isToolError)
            let saved = try await call(client, "save_paper", #"{"id":"\#(Self.paper)","note":"read on the train"}"#, token: writer)
            #expect(saved.structured?["added"] as? Bool == true)
            #expect(try await call(client, "save_paper", #"{"id":"\#(Self.paper)"}"#, token: writer).structured?["added"] as? Bool == false)
            let collections = CollectionStore(database: env.database)
            #expect(try await collections.savedPapers(userID: member.account.id, among: [Self.paper]) == [Self.paper])

            let mine = try await call(client, "list_collections", token: reader)
            let first = try #require((mine.structured?["collections"] as? [[String: Any]])?.first)
            #expect(first["slug"] as? String == "saved" && first["papers"] as? Int == 1)
            let papers = try await call(client, "list_collections", #"{"collection":"saved"}"#, token: reader)
            #expect(papers.paperIDs == [Self.paper])
            #expect((papers.structured?["papers"] as? [[String: Any]])?.first?["note"] as? String == "read on the train")
            // Another member's collection is not theirs to list, public or not.
            let other = try await Crowd.make(env, count: 1, prefix: "other")[0]
            let shared = try await collections.create(userID: other.account.id, name: "Shared", isPublic: true)
            #expect(try await call(client, "list_collections", #"{"collection":"\#(shared.slug)"}"#, token: reader).isToolError)
            #expect(try await call(client, "save_paper", #"{"id":"\#(Self.paper)","collection":"\#(shared.slug)"}"#, token: writer).isToolError)
        }
    }

    @Test func hostileMessagesAreRefusedAndAnswersNeverCross() async throws {
        try await withApp { client in
            // Refused before the SDK sees them: each would otherwise be answered wrongly or not at all.
            #expect(try await post(client, "[]").status == .badRequest)
            #expect(try await post(client, #"{"jsonrpc":"2.0","id":true,"method":"tools/list"}"#).status == .badRequest)
            #expect(try await post(client, #"{"jsonrpc":"2.0","id":1.5,"method":"tools/list"}"#).status == .badRequest)
            #expect(try await post(client, #"{"jsonrpc":"1.0","id":1,"method":"tools/list"}"#).status == .badRequest)
            #expect(try await post(client, "not json").status == .badRequest)
            #expect(try await post(client, String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000)).status == .badRequest)
            let nested = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_paper","arguments":{"id":"#
                + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "}}}"
            #expect(try await post(client, nested).status.code < 500)
            #expect(try await post(client, #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":[1]}"#).errorCode == -32602)
            #expect(try await post(client, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_paper","arguments":[1]}}"#).errorCode == -32602)
            #expect(try await post(client, #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, contentType: "text/plain").status == .unsupportedMediaType)
            #expect(try await post(client, String(repeating: " ", count: 70_000)).status == .contentTooLarge)
            // JSON is the answer: refused only to a client that rules it out (curl's */* is fine; so is a stray ';').
            let ping = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
            #expect(try await post(client, ping, accept: "*/*").status == .ok)
            #expect(try await post(client, ping, accept: ";, ,;q=1").status == .notAcceptable)
            #expect(try await post(client, ping, accept: "text/html").status == .notAcceptable)
            #expect(try await client.execute(uri: "/mcp", method: .get).status == .methodNotAllowed)
            #expect(try await post(client, #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).status == .accepted)

            // Clients all number their first request 1: answers go to the request that asked, never another.
            let ids = try await call(client, "list_papers", #"{"date":"2024-12-04","limit":20}"#).paperIDs
            #expect(ids.count == 15)  // the fixture day's papers
            try await withThrowingTaskGroup(of: (String, String?).self) { group in
                for id in ids { group.addTask { (id, try await call(client, "get_paper", #"{"id":"\#(id)"}"#, id: 1).structured?["id"] as? String) } }
                for try await (asked, answered) in group { #expect(asked == answered) }
            }
        }
    }
}
