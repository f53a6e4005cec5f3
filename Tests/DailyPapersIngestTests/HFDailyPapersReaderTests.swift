import DailyPapersCore
import DailyPapersIngest
import DailyPapersTestSupport
import Foundation
import Testing

@Suite struct HFDailyPapersReaderTests {
    @Test func readsResavedFileWithFeaturedDayFromFileName() throws {
        let result = try HFDailyPapersReader.read(try Fixtures.data("hf-daily/2024-12-04.json"), fileName: "2024-12-04.json")
        #expect(result.day?.iso == "2024-12-04")
        let f = try #require(result.papers.first { $0.paper.id.base == "2412.01981" })
        #expect(f.day.iso == "2024-12-04") // outer publishedAt is 2024-12-03T23:10Z: the file's day wins
        #expect(f.paper.title == "Free Process Rewards without Process Labels")
        #expect(f.paper.abstract.hasPrefix("Different from its counterpart outcome reward models (ORMs), which evaluate the entire responses"))
        #expect(!f.paper.abstract.contains("\n"))
        #expect(f.upvotes == 17)
        #expect(f.numComments == 1)
        #expect(f.submittedBy?.username == "lievan")
        #expect(f.submittedBy?.hfID == "61506ce0b0e47650b93f79d0")
        #expect(f.paper.authors.first?.name == "Lifan Yuan")
        #expect(f.paper.authors.first?.user?.username == "lievan")
        #expect(f.paper.authors.first?.hfID == "674fd56a16234f46d2559385")
        #expect(f.paper.firstVersionAt?.iso8601 == "2024-12-02T21:20:02.000Z")
        #expect(f.submittedAt.iso8601 == "2024-12-03T23:10:21.616Z")
        #expect(f.paper.thumbnailURL == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2412.01981.png")
        #expect(f.paper.discussionID == "674fd56b16234f46d25593ba")
        #expect(result.papers.count == 15)
    }

    @Test func reads2024APIWithoutSubmitter() throws {
        let result = try HFDailyPapersReader.read(try Fixtures.data("hf-daily/daily_papers_2024-03-29.json"),
                                                  fileName: "daily_papers_2024-03-29.json")
        #expect(result.day?.iso == "2024-03-29")
        #expect(!result.papers.isEmpty)
        #expect(result.papers.allSatisfy { $0.submittedBy == nil && $0.day.iso == "2024-03-29" })
    }

    @Test func refusesPythonReprFilesWithReason() throws {
        #expect {
            try HFDailyPapersReader.read(try Fixtures.data("hf-daily/2024-12-11.json"), fileName: "2024-12-11.json")
        } throws: { ($0 as? IngestError)?.message.contains("Python repr") == true }
        #expect {
            try HFDailyPapersReader.read(try Fixtures.data("hf-daily/2025-01-10.json"), fileName: "2025-01-10.json")
        } throws: { ($0 as? IngestError)?.message.contains("Python repr") == true }
    }

    @Test func refusesTruncatedFileWithReason() throws {
        #expect {
            try HFDailyPapersReader.read(try Fixtures.data("hf-daily/truncated-2024-04-04.json"), fileName: "truncated-2024-04-04.json")
        } throws: { error in
            let m = (error as? IngestError)?.message ?? ""
            return m.contains("not valid JSON") && m.contains("truncated")
        }
    }

    @Test func wrapperDateGivesTheDayWhenTheNameHasNone() throws {
        let items = try JSONSerialization.jsonObject(with: try Fixtures.data("hf-daily/2024-12-04.json"))
        let wrapped = try JSONSerialization.data(withJSONObject: ["status": "success", "date": "2024-12-05", "count": 15, "data": items])
        let result = try HFDailyPapersReader.read(wrapped, fileName: "export.json")
        #expect(result.day?.iso == "2024-12-05")
        #expect(result.papers.count == 15)
        #expect(result.papers.allSatisfy { $0.day.iso == "2024-12-05" })
    }

    @Test func outerPublishedAtGivesTheDayWhenNothingElseDoes() throws {
        let json = #"[{"paper":{"id":"2412.01981","authors":[],"title":"T","summary":"S","upvotes":3},"publishedAt":"2024-12-03T23:10:21.616Z","title":"T","numComments":0}]"#
        let result = try HFDailyPapersReader.read(Data(json.utf8), fileName: "export.json")
        #expect(result.papers.first?.day.iso == "2024-12-03")
    }

    @Test(arguments: [
        (#"{"a":1}"#, "object without a 'data' array"),
        (#"[{"paper":{"id":"2412.01981","authors":[],"summary":"S"}}]"#, "[1].paper: required field 'title' is missing"),
        (#"[{"paper":{"id":"not-an-id","authors":[],"title":"T","summary":"S"}}]"#, "item 1: paper.id 'not-an-id' is not an arXiv id"),
        (#"[{"paper":{"id":"2412.01981","authors":[],"title":"T","summary":"S","upvotes":"many"}}]"#, "[1].paper.upvotes: expected"),
        (#"[{"paper":{"id":"2412.01981","authors":[],"title":"T","summary":"S","submittedOnDailyAt":"yesterday"}}]"#, "date 'yesterday' is not ISO 8601"),
        ("", "the file is empty"),
    ])
    func namesWhatIsWrong(json: String, expected: String) {
        #expect {
            try HFDailyPapersReader.read(Data(json.utf8), fileName: "2024-12-04.json")
        } throws: { error in
            let message = (error as? IngestError)?.message ?? "\(error)"
            return message.contains(expected)
        }
    }

    @Test func dayInFileNames() {
        #expect(HFDailyPapersReader.dayInFileName("daily_papers_2024-03-12.json")?.iso == "2024-03-12")
        #expect(HFDailyPapersReader.dayInFileName("2024-12-04.json")?.iso == "2024-12-04")
        #expect(HFDailyPapersReader.dayInFileName("papers.json") == nil)
    }
}
