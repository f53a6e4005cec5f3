import DailyPapersTestSupport
import Foundation
import DailyPapersCore
import DailyPapersStore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct DailyPapersAPITests {
    func isISOMillis(_ s: String?) -> Bool {
        guard let s else { return false }
        return s.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/#) != nil
    }

    func json(_ buffer: ByteBuffer) throws -> Any { try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) }

    @Test func dailyPapersOfADayHasHuggingFaceShape() async throws {
        try await withApp { client in
            try await client.execute(uri: "/api/daily_papers?date=2024-12-04", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let items = try #require(try json(response.body) as? [[String: Any]])
                #expect(items.count == 15)
                let item = try #require(items.first { ($0["paper"] as? [String: Any])?["id"] as? String == "2412.01981" })
                for key in ["paper", "publishedAt", "title", "summary", "thumbnail", "numComments", "submittedBy", "isAuthorParticipating"] {
                    #expect(item[key] != nil, "missing \(key)")
                }
                #expect(item["publishedAt"] as? String == "2024-12-03T23:10:21.616Z")
                #expect(item["numComments"] as? Int == 1)
                let paper = try #require(item["paper"] as? [String: Any])
                for key in ["id", "authors", "publishedAt", "title", "summary", "upvotes", "discussionId", "submittedOnDailyAt"] {
                    #expect(paper[key] != nil, "missing paper.\(key)")
                }
                #expect(paper["upvotes"] as? Int == 17)
                #expect(paper["discussionId"] as? String == "674fd56b16234f46d25593ba")
                #expect(isISOMillis(paper["publishedAt"] as? String))
                #expect(isISOMillis(paper["submittedOnDailyAt"] as? String))
                let authors = try #require(paper["authors"] as? [[String: Any]])
                #expect(authors.first?["name"] as? String == "Lifan Yuan")
                #expect(authors.first?["_id"] as? String == "674fd56a16234f46d2559385")
                #expect(authors.first?["hidden"] as? Bool == false)
                let user = try #require(authors.first?["user"] as? [String: Any])
                #expect(user["user"] as? String == "lievan")
                #expect(user["_id"] as? String == "61506ce0b0e47650b93f79d0")
                let by = try #require(item["submittedBy"] as? [String: Any])
                for key in ["_id", "name", "fullname", "avatarUrl", "type", "isPro"] { #expect(by[key] != nil, "missing submittedBy.\(key)") }
                #expect(by["name"] as? String == "lievan")
                #expect(by["fullname"] as? String == "Lievan")
            }
        }
    }

    @Test func sortsPagesAndFilters() async throws {
        try await withApp { client in
            // Default order is the outer publishedAt, newest first.
            try await client.execute(uri: "/api/daily_papers?date=2024-12-04&limit=5&p=1", method: .get) { response in
                let items = try #require(try json(response.body) as? [[String: Any]])
                #expect(items.count == 5)
                let times = items.compactMap { $0["publishedAt"] as? String }
                #expect(times == times.sorted(by: >))
            }
            try await client.execute(uri: "/api/daily_papers?week=2024-W49", method: .get) { response in
                let n = try (json(response.body) as? [Any])?.count
                #expect(n == 15)
            }
            try await client.execute(uri: "/api/daily_papers?month=2024-03", method: .get) { response in
                let n = try (json(response.body) as? [Any])?.count
                #expect(n == 5)
            }
            try await client.execute(uri: "/api/daily_papers?submitter=lievan", method: .get) { response in
                let items = try #require(try json(response.body) as? [[String: Any]])
                #expect(items.count >= 1)
                #expect(items.allSatisfy { ($0["submittedBy"] as? [String: Any])?["name"] as? String == "lievan" })
            }
            try await client.execute(uri: "/api/daily_papers?date=2024-12-04&sort=trending&limit=100", method: .get) { response in
                let n = try (json(response.body) as? [Any])?.count
                #expect(n == 15)
            }
        }
    }

    @Test(arguments: [
        ("/api/daily_papers?date=2024-13-01", "date: '2024-13-01' is not a date as YYYY-MM-DD"),
        ("/api/daily_papers?week=2024-W60", "week"),
        ("/api/daily_papers?month=March", "month"),
        ("/api/daily_papers?limit=0", "limit: '0' is not a whole number from 1 to 100"),
        ("/api/daily_papers?limit=101", "limit"),
        ("/api/daily_papers?p=-1", "p: '-1'"),
        ("/api/daily_papers?sort=best", "sort: 'best' is not one of publishedAt, trending"),
        ("/api/daily_papers?date=2024-12-04&week=2024-W49", "at most one of date, week and month"),
        ("/api/papers/not-an-id", "is not an arXiv id"),
        ("/api/papers/search?q=", "q:"),
    ])
    func badParametersAnswer400WithJSONReason(uri: String, reason: String) async throws {
        try await withApp { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest)
                let body = try #require(try json(response.body) as? [String: Any])
                let message = try #require(body["error"] as? String)
                #expect(message.contains(reason), "\(message)")
            }
        }
    }

    @Test func singlePaperAndNotFound() async throws {
        try await withApp { client in
            try await client.execute(uri: "/api/papers/2412.01981v2", method: .get) { response in
                #expect(response.status == .ok)
                let paper = try #require(try json(response.body) as? [String: Any])
                #expect(paper["id"] as? String == "2412.01981")
                #expect(paper["upvotes"] as? Int == 17)
                #expect(paper["title"] as? String == "Free Process Rewards without Process Labels")
            }
            try await client.execute(uri: "/api/papers/2412.99999", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try json(response.body) as? [String: Any]
                #expect(body?["error"] as? String == "Paper 2412.99999 not found")
            }
        }
    }

    /// `/api/papers` lists every paper newest first, a page at a time by the Link header's cursor: each paper once,
    /// in id order, old-style ids after new-style ones; cursors it did not give are refused.
    @Test func everyPaperPagedByCursor() async throws {
        try await withAppEnvironment { client, env in
            try await PaperStore(database: env.database).savePapers([
                Paper(id: ArxivID(parsing: "hep-th/9901001")!, title: "An old-style paper", abstract: "Strings."),
                Paper(id: ArxivID(parsing: "2501.00001")!, title: "A paper never featured", abstract: "Words."),
            ])
            let stored = try await env.database.read { db in
                try await db.raw("SELECT arxiv_id FROM papers").all().map { try $0.decode(column: "arxiv_id", as: String.self) }
            }
            var seen: [String] = []
            var next: String? = "/api/papers?limit=3"
            var pages = 0
            while let uri = next, pages < 100 {
                pages += 1
                next = nil
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok)
                    let papers = try #require(try json(response.body) as? [[String: Any]])
                    seen += papers.compactMap { $0["id"] as? String }
                    if let link = response.headers[HTTPField.Name("Link")!] {
                        #expect(papers.count == 3)
                        let url = try #require(link.firstMatch(of: /^<([^>]+)>; rel="next"$/)).output.1.description
                        // Absolute, as clients that follow it (requests, the Hub's client) need.
                        #expect(url.hasPrefix("https://papers.example.org/api/papers?cursor="))
                        next = String(url.dropFirst("https://papers.example.org".count))
                    }
                }
            }
            let newStyle = stored.filter { $0.first!.isNumber }.sorted(by: >), oldStyle = stored.filter { !$0.first!.isNumber }.sorted(by: >)
            #expect(stored.count > 10)
            #expect(seen == newStyle + oldStyle)
            #expect(seen.first == "2501.00001" && seen.last == "hep-th/9901001")
            for bad in ["!!!", "eA", String(repeating: "QUFB", count: 40), Data("2412.01981v2".utf8).base64EncodedString(), "MjQxMi4wMTk4MQ=="] {
                try await client.execute(uri: "/api/papers?cursor=\(bad)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                }
            }
            for bad in ["0", "101", "x"] {
                try await client.execute(uri: "/api/papers?limit=\(bad)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                }
            }
        }
    }

    @Test func searchMatchesTitleWordsInHuggingFaceShape() async throws {
        try await withApp { client in
            try await client.execute(uri: "/api/papers/search?q=process+rewards&limit=5", method: .get) { response in
                let items = try #require(try json(response.body) as? [[String: Any]])
                #expect(items.contains { ($0["paper"] as? [String: Any])?["id"] as? String == "2412.01981" })
            }
        }
    }

    @Test func conditionalGetAnswers304() async throws {
        try await withApp { client in
            let etag = try await client.execute(uri: "/api/daily_papers?date=2024-12-04", method: .get) { $0.headers[.eTag] }
            let tag = try #require(etag)
            try await client.execute(uri: "/api/daily_papers?date=2024-12-04", method: .get, headers: [.ifNoneMatch: tag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
        }
    }
}

@Suite struct SimilarPapersAPITests {
    func json(_ buffer: ByteBuffer) throws -> Any { try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) }

    @Test func similarPapersAndKeywordsInTheAPIAndOnPages() async throws {
        try await withApp { client in
            try await client.execute(uri: "/api/papers/2412.01981/similar?limit=5", method: .get) { response in
                #expect(response.status == .ok)
                let items = try #require(try json(response.body) as? [[String: Any]])
                #expect(!items.isEmpty && items.count <= 5)
                let scores = items.compactMap { $0["similarity"] as? Double }
                #expect(scores.count == items.count && scores == scores.sorted(by: >) && scores.allSatisfy { $0 > 0 && $0 <= 1 })
                let ids = items.compactMap { ($0["paper"] as? [String: Any])?["id"] as? String }
                #expect(ids.count == items.count && !ids.contains("2412.01981"))
            }
            // The fixture's papers came without keywords: the API shows their heaviest terms.
            try await client.execute(uri: "/api/papers/2412.01981", method: .get) { response in
                let paper = try #require(try json(response.body) as? [String: Any])
                let keywords = try #require(paper["ai_keywords"] as? [String])
                #expect(!keywords.isEmpty && keywords.count <= 5)
                #expect(keywords.contains { $0.contains("reward") || $0.contains("process") })
            }
            try await client.execute(uri: "/api/papers/2412.01981/similar?limit=0", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/papers/2412.99999/similar", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/papers/not-an-id/similar", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/papers/2412.01981", method: .get) { response in
                let html = response.body.text
                #expect(html.contains("<h2 id=\"similar\">Similar papers</h2>"))
                #expect(html.contains("% alike"))
            }
            try await client.execute(uri: "/?date=2024-12-04", method: .get) { response in
                #expect(response.body.text.contains("<p class=\"keywords\"><span class=\"vh\">Keywords: </span><span>"))
            }
        }
    }
}
