import Foundation
import MCP

/// A JSON value as a message carries it, read without the SDK's `Value` decoding (which builds a regular
/// expression for every string it reads, to spot data URLs: 30 ms for one tool list in a release build, measured),
/// then handed to the tools as `Value`.
enum JSONValue: Decodable, Sendable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var value: Value {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .double(let d): .double(d)
        case .string(let s): .string(s)
        case .array(let a): .array(a.map(\.value))
        case .object(let o): .object(o.mapValues(\.value))
        }
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var object: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
    var isNull: Bool { if case .null = self { true } else { false } }
}

/// One JSON-RPC 2.0 message, as read off the wire.
struct RPCMessage: Decodable {
    let jsonrpc: JSONValue?
    let id: JSONValue?
    let method: JSONValue?
    let params: JSONValue?
}

/// What a tool call answers: structured JSON (sent as `structuredContent` and, for clients that read only text, as
/// the same JSON in a text block), plain text (Markdown, a citation), or a refusal the assistant reads (`isError`).
enum ToolAnswer: Sendable {
    case structured(Data)
    case text(String)
    case refusal(String)

    /// The `CallToolResult` object, written directly.
    func json() throws -> Data {
        func quoted(_ s: String) throws -> Data { try JSONEncoder.plain.encode(s) }
        switch self {
        case .structured(let data):
            return Data(#"{"content":[{"type":"text","text":"#.utf8) + (try quoted(String(decoding: data, as: UTF8.self)))
                + Data(#"}],"structuredContent":"#.utf8) + data + Data("}".utf8)
        case .text(let text):
            return Data(#"{"content":[{"type":"text","text":"#.utf8) + (try quoted(text)) + Data("}]}".utf8)
        case .refusal(let text):
            return Data(#"{"content":[{"type":"text","text":"#.utf8) + (try quoted(text)) + Data(#"}],"isError":true}"#.utf8)
        }
    }
}

extension JSONEncoder {
    static let plain: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}
