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
/// Stateless: every POST is answered on its own, as JSON, so there is no session to keep, lose, expire or share
/// between processes behind a load balancer. GET (a server-to-client stream) and DELETE (ending a session) are
/// answered 405, as the protocol allows a server without them. The SDK gives the protocol's types, versions and
/// request checks; its `Server` and stateless transport were the first design and are not used: the transport
/// matches answers to waiting requests by JSON-RPC id (which two clients may both send, so each request needed its
/// own server), a request whose id it could not read back hung, and the server re-decoded every result through
/// `Value`, whose decoder builds a regular expression for each string (a tool list took 30 ms, a search 38 ms).
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
    static let serverName = "dailypapers"
    /// The SDK's checks but its Origin one (see above): Accept, Content-Type and a known protocol version.
    static let checks = StandardValidationPipeline(validators: [JSONAcceptValidator(), ContentTypeValidator(), ProtocolVersionValidator()])

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
        let message: MCPEnvelope.Checked
        switch MCPEnvelope.read(body) {
        case .failure(let refusal): return MCPEnvelope.response(refusal)
        case .success(let checked): message = checked
        }
        let request = MCP.HTTPRequest(method: "POST", headers: Self.headers(req.headers), body: body, path: Route.mcp.rawValue)
        if let refused = Self.checks.validate(request, context: HTTPValidationContext(httpMethod: "POST", isInitializationRequest: message.method == "initialize")) {
            return Self.response(refused)
        }
        // A notification, or a client's answer to a request: nothing to answer (this server asks clients nothing).
        guard let method = message.method, let id = message.id else { return Response(status: .accepted, headers: [.cacheControl: "no-store"]) }
        let calls = MCPToolCalls(store: store, community: community, site: site, member: member, clientIP: ctx.clientIP)
        do {
            return MCPEnvelope.result(id: id, try await result(of: method, params: message.params, calls: calls))
        } catch let error as MCPError {
            return MCPEnvelope.response(.init(status: .ok, error: error, id: id))
        }
    }

    /// The result object of a request, as JSON.
    private func result(of method: String, params: [String: JSONValue], calls: MCPToolCalls) async throws -> Data {
        switch method {
        case "initialize":
            // The client's version when this side speaks it, else the newest this side speaks (the client then decides).
            let asked = params["protocolVersion"]?.string ?? ""
            let version = Version.supported.contains(asked) ? asked : Version.latest
            return try JSONEncoder.plain.encode(Initialize.Result(
                protocolVersion: version, capabilities: Server.Capabilities(tools: .init(listChanged: false)),
                serverInfo: Server.Info(name: Self.serverName, version: "1", title: site.name), instructions: instructions))
        case "ping":
            return Data("{}".utf8)
        case "tools/list":
            return try JSONEncoder.plain.encode(ListTools.Result(tools: calls.tools))
        case "tools/call":
            guard let name = params["name"]?.string else { throw MCPError.invalidParams("name: give the tool's name (tools/list names them).") }
            var arguments: [String: Value]?
            if let given = params["arguments"], !given.isNull {
                guard let object = given.object else { throw MCPError.invalidParams("arguments must be an object of the tool's arguments.") }
                arguments = object.mapValues(\.value)
            }
            return try await calls.call(name: name, arguments: arguments).json()
        default:
            throw MCPError.methodNotFound("Unknown method: \(String(method.prefix(60))); this server has tools only.")
        }
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

/// A message read and checked before anything acts on it: one JSON-RPC 2.0 object, an id that is a string (at most
/// 200 bytes) or a whole number, a method that is a string, params that are an object.
enum MCPEnvelope {
    struct Refusal: Error {
        let status: HTTPTypes.HTTPResponse.Status
        let error: MCPError
        /// The request's id when it could be read, so the client can match the answer.
        var id: JSONValue = .null
    }

    struct Checked {
        let id: JSONValue?
        let method: String?
        let params: [String: JSONValue]
    }

    static func read(_ body: Data) -> Result<Checked, Refusal> {
        guard body.first(where: { !$0.isASCIIWhitespace }) == UInt8(ascii: "{") else {
            return .failure(Refusal(status: .badRequest, error: .invalidRequest("Send one JSON-RPC 2.0 message, a JSON object, per request (batches are not taken).")))
        }
        guard let message = try? JSONDecoder().decode(RPCMessage.self, from: body) else {
            return .failure(Refusal(status: .badRequest, error: .parseError("The body is not a JSON object.")))
        }
        guard message.jsonrpc?.string == "2.0" else { return .failure(Refusal(status: .badRequest, error: .invalidRequest("jsonrpc must be \"2.0\"."))) }
        if let method = message.method, method.string == nil {
            return .failure(Refusal(status: .badRequest, error: .invalidRequest("method must be a string.")))
        }
        var id: JSONValue?
        if let given = message.id, !given.isNull {
            switch given {
            case .int: id = given
            case .string(let s) where s.utf8.count <= 200: id = given
            default: return .failure(Refusal(status: .badRequest, error: .invalidRequest("id must be a string (at most 200 bytes) or a whole number.")))
            }
        }
        var params: [String: JSONValue] = [:]
        if let given = message.params, !given.isNull {
            // Answered as the request's error, to the request.
            guard let object = given.object else { return .failure(Refusal(status: .ok, error: .invalidParams("params must be an object."), id: id ?? .null)) }
            params = object
        }
        return .success(Checked(id: id, method: message.method?.string, params: params))
    }

    /// `{"jsonrpc":"2.0","id":ID,"result":RESULT}`.
    static func result(id: JSONValue, _ result: Data) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: Data(#"{"jsonrpc":"2.0","id":"#.utf8) + encoded(id) + Data(#","result":"#.utf8) + result + Data("}".utf8))))
    }

    /// A JSON-RPC error response for a refusal.
    static func response(_ refusal: Refusal) -> Response {
        var error = Data(#"{"code":"#.utf8) + Data(String(refusal.error.code).utf8) + Data(#","message":"#.utf8)
        error += (try? JSONEncoder.plain.encode(refusal.error.errorDescription ?? "Invalid request")) ?? Data("\"\"".utf8)
        let body = Data(#"{"jsonrpc":"2.0","id":"#.utf8) + encoded(refusal.id) + Data(#","error":"#.utf8) + error + Data("}}".utf8)
        return Response(status: refusal.status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private static func encoded(_ id: JSONValue) -> Data {
        switch id {
        case .int(let i): Data(String(i).utf8)
        case .string(let s): (try? JSONEncoder.plain.encode(s)) ?? Data("null".utf8)
        default: Data("null".utf8)
        }
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
