import DailyPapersCore
import Testing

@Suite struct TimestampTests {
    @Test func formatsWithMillisecondsAndZ() throws {
        let t = try #require(Timestamp(iso8601: "2024-12-03T23:10:21.616Z"))
        #expect(t.millisecondsSince1970 == 1_733_267_421_616)
        #expect(t.iso8601 == "2024-12-03T23:10:21.616Z")
        #expect(Timestamp(millisecondsSince1970: 0).iso8601 == "1970-01-01T00:00:00.000Z")
    }

    @Test func parsesVariants() throws {
        #expect(Timestamp(iso8601: "2024-12-03T23:10:21Z")?.iso8601 == "2024-12-03T23:10:21.000Z")
        #expect(Timestamp(iso8601: "2024-12-03T23:10:21.5Z")?.iso8601 == "2024-12-03T23:10:21.500Z")
        #expect(Timestamp(iso8601: "2024-12-03T23:10:21+01:00")?.iso8601 == "2024-12-03T22:10:21.000Z")
        #expect(Timestamp(iso8601: "2024-12-03")?.iso8601 == "2024-12-03T00:00:00.000Z")
        #expect(Timestamp(iso8601: "2024-12-03T25:10:21Z") == nil)
        #expect(Timestamp(iso8601: "2024-12-03T23:10:21") == nil)
        #expect(Timestamp(iso8601: "not a date") == nil)
    }

    @Test func utcDayOfSubmissionTime() throws {
        let t = try #require(Timestamp(iso8601: "2024-12-03T23:10:21.616Z"))
        #expect(CalendarDay(utcOf: t).iso == "2024-12-03")
    }
}
