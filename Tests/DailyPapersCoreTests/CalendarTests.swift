import DailyPapersCore
import Testing

@Suite struct CalendarTests {
    @Test func dayRoundTripsAndKnowsWeekdays() throws {
        let d = try #require(CalendarDay(iso: "2024-12-04"))
        #expect(d.iso == "2024-12-04")
        #expect(d.isoWeekday == 3) // a Wednesday
        #expect(CalendarDay(iso: "1970-01-01")?.daysSinceEpoch == 0)
        #expect(CalendarDay(iso: "2024-02-29") != nil)
        #expect(CalendarDay(iso: "2023-02-29") == nil)
        #expect(CalendarDay(iso: "2024-13-01") == nil)
        #expect(CalendarDay(iso: "2024-1-01") == nil)
        #expect(CalendarDay(iso: "2024-12-04T00:00") == nil)
    }

    @Test(arguments: [
        ("2025-W09", "2025-02-24", "2025-03-02"),
        ("2020-W53", "2020-12-28", "2021-01-03"),
        ("2026-W01", "2025-12-29", "2026-01-04"),
        ("2024-W01", "2024-01-01", "2024-01-07"),
    ])
    func weeksFollowISO8601(key: String, first: String, last: String) throws {
        let week = try FeedPeriod.parseWeek(key)
        #expect(week.days.lowerBound.iso == first)
        #expect(week.days.upperBound.iso == last)
        #expect(week.key == key)
    }

    @Test func weekOfDayAcrossYearBoundary() throws {
        let (y, w) = FeedPeriod.isoWeek(of: try #require(CalendarDay(iso: "2021-01-01")))
        #expect(y == 2020 && w == 53)
        let (y2, w2) = FeedPeriod.isoWeek(of: try #require(CalendarDay(iso: "2024-12-30")))
        #expect(y2 == 2025 && w2 == 1)
    }

    @Test(arguments: ["2021-W53", "2025-W00", "2025-W54", "2025W09", "2025-09", "2025-W9", ""])
    func rejectsBadWeeks(text: String) {
        #expect(throws: PeriodError.self) { try FeedPeriod.parseWeek(text) }
    }

    @Test func monthsCoverTheirDays() throws {
        let feb = try FeedPeriod.parseMonth("2024-02")
        #expect(feb.days.lowerBound.iso == "2024-02-01")
        #expect(feb.days.upperBound.iso == "2024-02-29")
        #expect(throws: PeriodError.self) { try FeedPeriod.parseMonth("2024-13") }
        #expect(throws: PeriodError.self) { try FeedPeriod.parseMonth("2024-2") }
        #expect(throws: PeriodError.self) { try FeedPeriod.parseDay("2024-02-30") }
    }

    @Test func errorsSayWhatWasExpected() {
        do {
            _ = try FeedPeriod.parseDay("yesterday")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "'yesterday' is not a date as YYYY-MM-DD, e.g. 2024-12-04")
        }
    }

    @Test func sameKindContaining() throws {
        let day = try #require(CalendarDay(iso: "2025-03-02"))
        #expect(FeedPeriod.week(year: 2000, week: 1).sameKind(containing: day) == .week(year: 2025, week: 9))
        #expect(FeedPeriod.month(year: 2000, month: 1).sameKind(containing: day) == .month(year: 2025, month: 3))
    }
}
