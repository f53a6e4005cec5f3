import DailyPapersTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct OperationsTests {
    @Test func healthReadinessAndMetrics() async throws {
        try await withApp { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.text == "ready\n")
            }
            try await client.execute(uri: "/papers/date/2024-12-04", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let text = response.body.text
                #expect(text.contains(#"http_route="/papers/date/{date}""#))
                #expect(text.contains("http_server_request_duration_bucket"))
                #expect(text.contains("dailypapers_db_seconds"))
                #expect(text.contains(#"dailypapers_imported_papers_total{source="hf-daily"}"#))
            }
        }
    }

    @Test func openAPIDocumentAndDocsPage() async throws {
        try await withApp { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                let doc = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect(doc?["openapi"] as? String == "3.1.0")
                #expect((doc?["paths"] as? [String: Any])?["/api/daily_papers"] != nil)
            }
            try await client.execute(uri: "/docs", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.text.contains("GET /api/daily_papers"))
                #expect(response.body.text.contains("publishedAt, trending"))
            }
        }
    }
}

@Suite struct CompressionTests {
    @Test func cachedPagesAreGzippedForClientsThatAcceptIt() async throws {
        try await withApp { client in
            let plain = try await client.execute(uri: "/papers/date/2024-12-04", method: .get) { $0 }
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(plain.headers[.vary] == "Accept-Encoding")
            try await client.execute(uri: "/papers/date/2024-12-04", method: .get, headers: [.acceptEncoding: "br, gzip;q=0.8"]) { response in
                #expect(response.headers[.contentEncoding] == "gzip")
                #expect(response.body.readableBytes < plain.body.readableBytes / 2)
                #expect(response.headers[.eTag] != plain.headers[.eTag])
                // gunzip with the system's gzip: the bytes are the plain page.
                let folder = NSTemporaryDirectory() + "gz-" + UUID().uuidString
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: folder) }
                try Data(response.body.readableBytesView).write(to: URL(fileURLWithPath: folder + "/page.gz"))
                let gunzip = Process()
                gunzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                gunzip.arguments = ["gzip", "-d", folder + "/page.gz"]
                try gunzip.run()
                gunzip.waitUntilExit()
                #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/page")) == Data(plain.body.readableBytesView))
                let etag = try #require(response.headers[.eTag])
                try await client.execute(uri: "/papers/date/2024-12-04", method: .get,
                                         headers: [.acceptEncoding: "gzip", .ifNoneMatch: etag]) { #expect($0.status == .notModified) }
            }
            try await client.execute(uri: "/papers/date/2024-12-04", method: .get, headers: [.acceptEncoding: "gzip;q=0"]) { response in
                #expect(response.headers[.contentEncoding] == nil)
            }
        }
    }
}

@Suite struct PicturesTests {
    @Test func statsPageAndSparklineAreServerRenderedSVG() async throws {
        try await withApp { client in
            try await client.execute(uri: "/stats", method: .get) { response in
                #expect(response.status == .ok)
                let html = response.body.text
                #expect(html.contains("<svg class=\"chart\" role=\"img\" aria-label=\"Papers featured per day, 2024-03-29 to 2024-12-04\""))
                #expect(html.contains("<title>Mar 29 2024: 5</title>"))
                #expect(html.contains("<td>2024-W49</td><td>15</td>"))
                #expect(!hasInlineScript(html))
            }
            try await client.execute(uri: "/papers/2412.01981", method: .get) { response in
                let html = response.body.text
                #expect(html.contains("<svg class=\"spark\" role=\"img\" aria-label=\"Upvotes over time: 0 on 2024-12-03, 17 on "))
            }
        }
    }
}
