import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCP
import NIOCore

/// `/mcp`: the Model Context Protocol over Streamable HTTP, for AI assistants (tools in `AssistantTool`).
///
/// Stateless: every POST is answered on its own by a fresh `Server` on a fresh `StatelessHTTPServerTransport`
/// (the SDK's types, handlers and validation), so there is no session to keep, lose, expire or share between
/// processes behind a load balancer, and no request can see another's (the SDK's stateless transport matches
/// answers to waiters by JSON-RPC id, which two clients may both send). GET (a server-to-client stream) and
/// DELETE (ending a session) are answered 405, as the protocol allows a server without them.
///
/// A member connects with a personal access token (`Authorization: Bearer dp_...`), never the session cookie, so a
/// page on another site cannot act for a reader; that is also why no Origin check is made here (the check guards
/// local servers with ambient authority, which this endpoint does not take).
struct MCPEndpoint: Sendable {
    let store: PaperStore
    let community: Community
    let site: SiteInfo
    let logger: Logger

    /// A JSON-RPC message is small; the largest a tool takes is a 1,000-character note.
    static let maximumBody = 64 * 1024
    /// A backstop: a message the SDK could not answer would otherwise hold its connection forever.
    static let answerTimeout = Duration.seconds(30)
    static let serverName = "dailypapers"

    func register(on router: Router<AppRequestContext>) {
        router.post(Route.mcp.pattern) { req, ctx in try await answer(req, ctx) }
        router.get(Route.mcp.pattern) { _, _ in Self.methodNotAllowed() }
        router.delete(Route.mcp.pattern) { _, _ in Self.methodNotAllowed() }
    }

    func answer(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        var member: (account: Account, token: AccessTokenStore.Token)?
        if req.headers[.authorization] != nil {
            guard let found = try await AccessTokenRoutes.bearer(req, tokens: community.accessTokens) else {
                var response = Self.error(.unauthorized, .invalidRequest(
                    "The token is not one of this site's live personal access tokens (Authorization: Bearer dp_...); connect without it for the public tools."))
                response.headers[.wwwAuthenticate] = "Bearer realm=\"\(site.name)\""
                return response
            }
            member = found
        }
        let body: Data
        do { body = Data(buffer: try await req.body.collect(upTo: Self.maximumBody)) } catch {
            return Self.error(.contentTooLarge, .invalidRequest("A message is at most \(Self.maximumBody / 1024) KiB."))
        }
        if let refusal = MCPEnvelope.refusal(body) { return MCPEnvelope.response(refusal) }

        let calls = MCPToolCalls(store: store, community: community, site: site, member: member, clientIP: ctx.clientIP)
        let server = Server(name: Self.serverName, version: "1", title: site.name, instructions: instructions,
                            capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: calls.tools) }
        await server.withMethodHandler(CallToolAsSent.self) { params in try await calls.call(try CallToolAsSent.read(params)) }
        // The SDK's checks but its Origin one (see above): Accept, Content-Type and a known protocol version.
        let transport = StatelessHTTPServerTransport(validationPipeline: StandardValidationPipeline(validators: [
            JSONAcceptValidator(), ContentTypeValidator(), ProtocolVersionValidator(),
        ]), logger: logger)
        try await server.start(transport: transport)
        let watchdog = Task {
            try await Task.sleep(for: Self.answerTimeout)
            await transport.disconnect()
        }
        let answer = await transport.handleRequest(MCP.HTTPRequest(method: "POST", headers: Self.headers(req.headers), body: body,
                                                                   path: Route.mcp.rawValue))
        watchdog.cancel()
        await server.stop()
        return Self.response(answer)
    }

    private var instructions: String {
        """
        \(site.name) (\(site.publicURL)) is a daily feed of research papers that its community submits and upvotes, \
        and a search over every paper it holds. Use search_papers to find papers by title, topic or author; \
        list_papers for what the community featured on a day, week or month; get_paper, read_paper and \
        similar_papers for one paper. Papers are named by arXiv id.
        """
    }

    // MARK: HTTP

    private static func headers(_ fields: HTTPFields) -> [String: String] {
        var out: [String: String] = [:]
        for field in fields {
            let name = field.name.canonicalName
            out[name] = out[name].map { "\($0), \(field.value)" } ?? field.value
        }
        return out
    }

    private static func response(_ answer: MCP.HTTPResponse) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let body = answer.bodyData.map { ResponseBody(byteBuffer: ByteBuffer(bytes: $0)) } ?? ResponseBody()
        return Response(status: .init(code: answer.statusCode), headers: headers, body: body)
    }

    /// A JSON-RPC error (id null) with an HTTP status, for what is refused before the message is read.
    static func error(_ status: HTTPTypes.HTTPResponse.Status, _ error: MCPError) -> Response {
        MCPEnvelope.response(.init(status: status, error: error))
    }

    static func methodNotAllowed() -> Response {
        var response = error(.methodNotAllowed, .invalidRequest("This endpoint takes JSON-RPC messages by POST; it keeps no sessions and no server-to-client stream."))
        response.headers[.allow] = "POST"
        return response
    }
}

/// The checks a message passes before it reaches the SDK, so that every message that reaches it is answered, and
/// answered with the right error: the SDK waits for the answer to a request by its id, and one whose id it cannot
/// read back (a boolean, a fraction, an object) would be answered under a made-up id and never reach the waiting
/// request; parameters it cannot decode it answers as its own internal error rather than the caller's mistake.
enum MCPEnvelope {
    struct Refusal: Error {
        let status: HTTPTypes.HTTPResponse.Status
        let error: MCPError
        /// The request's id when it could be read, so the client can match the answer.
        var id: Value = .null
    }

    private struct Message: Decodable {
        let jsonrpc: String?
        let id: Value?
        let method: Value?
        let params: Value?
    }

    static func refusal(_ body: Data) -> Refusal? {
        guard body.first(where: { !$0.isASCIIWhitespace }) == UInt8(ascii: "{") else {
            return Refusal(status: .badRequest, error: .invalidRequest("Send one JSON-RPC 2.0 message, a JSON object, per request (batches are not taken)."))
        }
        guard let message = try? JSONDecoder().decode(Message.self, from: body) else {
            return Refusal(status: .badRequest, error: .parseError("The body is not a JSON object."))
        }
        guard message.jsonrpc == "2.0" else { return Refusal(status: .badRequest, error: .invalidRequest("jsonrpc must be \"2.0\".")) }
        if let method = message.method, method.stringValue == nil {
            return Refusal(status: .badRequest, error: .invalidRequest("method must be a string."))
        }
        var id = Value.null
        if let given = message.id {
            switch given {
            case .int: id = given
            case .string(let s) where s.utf8.count <= 200: id = given
            default: return Refusal(status: .badRequest, error: .invalidRequest("id must be a string (at most 200 bytes) or a whole number."))
            }
        }
        if let params = message.params, !params.isNull, params.objectValue == nil {
            // Answered as the request's error, to the request, as the SDK answers its own.
            return Refusal(status: .ok, error: .invalidParams("params must be an object."), id: id)
        }
        return nil
    }

    /// A JSON-RPC error response for a refusal.
    static func response(_ refusal: Refusal) -> Response {
        let body: Value = ["jsonrpc": "2.0", "id": refusal.id,
                           "error": ["code": .int(refusal.error.code), "message": .string(refusal.error.errorDescription ?? "Invalid request")]]
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(status: refusal.status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The answer is JSON: refused (406) only to a client whose Accept header rules JSON out. The SDK's own check also
/// refuses `*/*` and a missing header, which is what curl and most HTTP libraries send.
struct JSONAcceptValidator: HTTPRequestValidator {
    func validate(_ request: MCP.HTTPRequest, context: HTTPValidationContext) -> MCP.HTTPResponse? {
        guard let accept = request.header(HTTPHeaderName.accept), !accept.isEmpty else { return nil }
        let types = accept.split(separator: ",").map { ($0.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased() }
        if types.contains(where: { ["application/json", "application/*", "*/*"].contains($0) }) { return nil }
        return .error(statusCode: 406, .invalidRequest("Not Acceptable: the answer is application/json."))
    }
}

private extension UInt8 {
    var isASCIIWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}

/// `tools/call` with its parameters taken as sent, so that a call without a tool name or with arguments that are
/// not an object is answered as invalid params (the SDK's own decoding would answer an internal error).
enum CallToolAsSent: MCP.Method {
    static let name = CallTool.name
    typealias Parameters = Value
    typealias Result = CallTool.Result

    static func read(_ params: Value) throws(MCPError) -> CallTool.Parameters {
        guard let object = params.objectValue, let name = object["name"]?.stringValue else {
            throw .invalidParams("name: give the tool's name (tools/list names them).")
        }
        var arguments: [String: Value]?
        if let given = object["arguments"], !given.isNull {
            guard let a = given.objectValue else { throw .invalidParams("arguments must be an object of the tool's arguments.") }
            arguments = a
        }
        return CallTool.Parameters(name: name, arguments: arguments)
    }
}
