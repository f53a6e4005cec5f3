import Foundation
import Hummingbird
import NIOCore

/// A JSON request body for the endpoints that take one (collections, a paper's links): application/json, at most
/// `maximum` bytes, decoded as `T`, or a 400 (413) that says what is wrong.
enum JSONBody {
    static func read<T: Decodable>(_ type: T.Type, _ req: Request, maximum: Int) async throws -> T {
        guard req.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw WebError.badRequest("Send the body as application/json.")
        }
        let buffer: ByteBuffer
        do { buffer = try await req.body.collect(upTo: maximum) } catch {
            throw WebError.payloadTooLarge("The body is larger than \(maximum / 1024) KiB.")
        }
        do { return try JSONDecoder().decode(T.self, from: Data(buffer: buffer)) } catch let DecodingError.keyNotFound(key, _) {
            throw WebError.badRequest("The body lacks '\(key.stringValue)'.")
        } catch let DecodingError.typeMismatch(_, context) {
            throw WebError.badRequest("'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type.")
        } catch {
            throw WebError.badRequest("The body is not the JSON object this endpoint takes.")
        }
    }
}
