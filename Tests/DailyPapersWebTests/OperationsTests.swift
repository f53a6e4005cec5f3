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
