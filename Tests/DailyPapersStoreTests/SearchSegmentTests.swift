import DailyPapersCore
import DailyPapersTestSupport
import Foundation
import Testing
@testable import DailyPapersStore

/// The search index as a file every process maps: written from the index rows, it answers exactly as the
/// in-memory index does, and a damaged file is refused, never read past its end.
@Suite struct SearchSegmentTests {
    @Test func aMappedSegmentRanksAsTheMemoryIndexDoes() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured(try SearchIndexTests.corpus(), trending: .standard)
            let rows = try await t.database.read { db in try await SearchMemory.rows("id > 0 ORDER BY id", on: db) }
            #expect(rows.count == 40)
            let path = t.folder + "/search.segment"
            try SearchSegment.write(rows, to: path)
            let segment = try SearchSegment(path: path)
            #expect(segment.docCount == rows.count && segment.lastRowID == rows.last!.id)
            let memory = t.database.searchMemory
            _ = try await t.database.read { db in try await memory.catchUp(on: db) }
            let titles = rows.map(\.paper)
            #expect(segment.doc(of: titles[7]).map(segment.paper) == titles[7])
            #expect(segment.doc(of: "2999.99999") == nil)
            var compared = 0
            for text in ["models", "language models", "diffusion video generation", "the of", "zzzz", "reward process", "gaussian splatting", "sensor simulation", "model"] {
                let query = try #require(SearchQuery(text))
                let words = Array(Set(query.indexTerms.joined())).sorted()
                for limit in [1, 5, 20] {
                    let expected = memory.top(words, limit: limit).best
                    let got = segment.top(words, limit: limit)
                    #expect(got.map(\.paper) == expected.map(\.paper) && got.map(\.score) == expected.map(\.score), "\(text) \(limit)")
                    compared += 1
                }
            }
            // A phrase: its words side by side in one field.
            let phrase = ["gaussian", "splat"]
            #expect(segment.top(phrase, phrases: [phrase], limit: 10).map(\.paper) == memory.top(phrase, phrases: [phrase], limit: 10).best.map(\.paper))
            #expect(compared == 27)
        }
    }

    @Test func aDamagedFileIsRefused() throws {
        let folder = NSTemporaryDirectory() + "dailypapers-segment-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rows = (0..<50).map { i in
            SearchMemory.Row(id: Int64(i + 1), paper: String(format: "2501.%05d", i), length: 10, terms: "alpha:2 beta:1 t\(i):1",
                             sequence: "alpha beta | alpha t\(i)")
        }
        let path = folder + "/s.segment"
        try SearchSegment.write(rows, to: path)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try SearchSegment(path: path).top(["alpha"], limit: 3).count == 3)
        for cut in [0, 10, 95, whole.count / 2, whole.count - 1] {
            try whole.prefix(cut).write(to: URL(fileURLWithPath: path))
            #expect(throws: StoreError.self) { try SearchSegment(path: path) }
        }
        var wrong = whole
        wrong[0] = UInt8(ascii: "X")
        try wrong.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try SearchSegment(path: path) }
    }
}
