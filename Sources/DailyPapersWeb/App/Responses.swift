import DailyPapersCore
import Foundation
import Hummingbird

/// Response builders shared by pages, API and errors.
enum Responses {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        // Sorted keys: the same bytes from every process, so ETags agree behind a load balancer.
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }()

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{\"error\":\"encoding failed\"}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func jsonString(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A cached entry, or 304 when the client already has it (If-None-Match first, then If-Modified-Since).
    /// `varyByAccept`: the URL answers by the Accept header (a paper's page or Markdown), so caches keep one per header.
    static func cached(_ entry: ResponseCache.Entry, request: Request, maxAge: Int = 60, varyByAccept: Bool = false) -> Response {
        let gzip = entry.gzipped != nil && Gzip.accepted(by: HTTPFieldsAcceptEncoding(acceptEncoding: request.headers[.acceptEncoding]))
        // Each encoding is its own representation, with its own ETag (RFC 9110 8.8.3).
        let etag = gzip ? String(entry.etag.dropLast()) + "-gz\"" : entry.etag
        var headers: HTTPFields = [.contentType: entry.contentType, .eTag: etag, .cacheControl: "public, max-age=\(maxAge)"]
        let vary = (varyByAccept ? ["Accept"] : []) + (entry.gzipped != nil ? ["Accept-Encoding"] : [])
        if !vary.isEmpty { headers[.vary] = vary.joined(separator: ", ") }
        if let modified = entry.lastModified { headers[.lastModified] = modified.rfc2822 }
        if isFresh(entry, etag: etag, request) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        if gzip, let body = entry.gzipped {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: entry.body))
    }

    static func isFresh(_ entry: ResponseCache.Entry, etag: String, _ request: Request) -> Bool {
        if let tags = request.headers[.ifNoneMatch] {
            return tags.split(separator: ",").contains { tag in
                let t = tag.trimmingCharacters(in: .whitespaces)
                // Weak comparison, as RFC 9110 asks for If-None-Match.
                return t == "*" || t == etag || t == "W/" + etag
            }
        }
        if let since = request.headers[.ifModifiedSince], let modified = entry.lastModified,
           let sinceTime = Timestamp(rfc2822: since) {
            return modified <= sinceTime
        }
        return false
    }
}

extension Request {
    /// Query parameters as browsers send them (`application/x-www-form-urlencoded`: `+` is a space),
    /// first value of each name. Undecodable escapes are kept as typed.
    var query: [String: String] { FormDecoding.pairs(uri.query ?? "") }
}

enum FormDecoding {
    static func pairs(_ query: String) -> [String: String] {
        var out: [String: String] = [:]
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(kv[0])
            if out[key] == nil { out[key] = kv.count > 1 ? decode(kv[1]) : "" }
        }
        return out
    }

    static func decode(_ s: Substring) -> String {
        let spaced = s.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
