import Foundation
import Hummingbird

/// The stylesheet and icon, read once from the bundle and served from memory. Links carry a content
/// hash (`?v=`), so browsers may keep them for a year and still see every change.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        let body: ByteBuffer
        let contentType: String
        let etag: String
    }
    let assets: [String: Asset]
    let stylesheetVersion: String
    let scriptVersion: String

    init() throws {
        var assets: [String: Asset] = [:]
        var cssVersion = "0", jsVersion = "0"
        for (name, type) in [("app.css", "text/css; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8"),
                             ("favicon.svg", "image/svg+xml"),
                             ("openapi.json", "application/json; charset=utf-8")] {
            guard let url = Bundle.module.url(forResource: "Static/\(name)", withExtension: nil) else {
                throw StaticAssetError(name: name)
            }
            let text = try String(contentsOf: url, encoding: .utf8)
            let hash = StableHash.hex(text)
            if name == "app.css" { cssVersion = String(hash.prefix(10)) }
            if name == "app.js" { jsVersion = String(hash.prefix(10)) }
            assets[name] = Asset(body: ByteBuffer(string: text), contentType: type, etag: "\"\(hash)\"")
        }
        self.assets = assets
        stylesheetVersion = cssVersion
        scriptVersion = jsVersion
    }

    func register(on router: Router<AppRequestContext>) {
        router.get(Route.openAPI.pattern) { req, _ in serve("openapi.json", req, maxAge: 300) }
        router.get(Route.asset.pattern) { req, ctx in
            let name = try ctx.parameters.require("name")
            guard assets[name] != nil else { throw WebError.notFound("No static file '\(name)'.") }
            return serve(name, req, maxAge: 31_536_000)
        }
    }

    func serve(_ name: String, _ req: Request, maxAge: Int) -> Response {
        do {
            let asset = assets[name]!
            var headers: HTTPFields = [.contentType: asset.contentType, .eTag: asset.etag,
                                       .cacheControl: "public, max-age=\(maxAge)" + (maxAge > 86_400 ? ", immutable" : "")]
            if req.headers[.ifNoneMatch] == asset.etag {
                headers[.contentType] = nil
                return Response(status: .notModified, headers: headers)
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
        }
    }

    /// The OpenAPI document as parsed JSON, for the docs page.
    var openAPI: [String: Any] {
        guard let asset = assets["openapi.json"],
              let object = try? JSONSerialization.jsonObject(with: Data(asset.body.readableBytesView)) as? [String: Any] else { return [:] }
        return object
    }
}

struct StaticAssetError: Error, CustomStringConvertible {
    let name: String
    var description: String { "static asset \(name) is missing from the build" }
}
