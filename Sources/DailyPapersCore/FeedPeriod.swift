/// The span of days a feed page or an API call covers: one day, an ISO week, or a calendar month.
public enum FeedPeriod: Hashable, Sendable {
    case day(CalendarDay)
    /// ISO 8601 week-numbering year and week (`2025-W09`).
    case week(year: Int, week: Int)
    case month(year: Int, month: Int)

    /// First and last day, inclusive.
    public var days: ClosedRange<CalendarDay> {
        switch self {
        case .day(let d):
            return d...d
        case .week(let y, let w):
            let monday = FeedPeriod.mondayOfISOWeek(year: y, week: w)
            return monday...monday.advanced(by: 6)
        case .month(let y, let m):
            let first = CalendarDay(year: y, month: m, day: 1)!
            return first...first.advanced(by: CalendarDay.daysIn(month: m, year: y) - 1)
        }
    }

    /// The form used in URLs and the API: `2024-12-04`, `2025-W09`, `2025-02`.
    public var key: String {
        switch self {
        case .day(let d): return d.iso
        case .week(let y, let w): return "\(CalendarDay.pad(y, 4))-W\(CalendarDay.pad(w, 2))"
        case .month(let y, let m): return "\(CalendarDay.pad(y, 4))-\(CalendarDay.pad(m, 2))"
        }
    }

    /// The period of the same kind that contains `day`.
    public func sameKind(containing day: CalendarDay) -> FeedPeriod {
        switch self {
        case .day: return .day(day)
        case .week: let (y, w) = FeedPeriod.isoWeek(of: day); return .week(year: y, week: w)
        case .month: return .month(year: day.year, month: day.month)
        }
    }

    public static func parseDay(_ text: String) throws(PeriodError) -> FeedPeriod {
        guard let d = CalendarDay(iso: text) else { throw PeriodError(text: text, expected: "a date as YYYY-MM-DD, e.g. 2024-12-04") }
        return .day(d)
    }

    public static func parseWeek(_ text: String) throws(PeriodError) -> FeedPeriod {
        let error = PeriodError(text: text, expected: "an ISO week as YYYY-Www, e.g. 2025-W09")
        let u = Array(text.utf8)
        guard u.count == 8, u[4] == UInt8(ascii: "-"), u[5] == UInt8(ascii: "W") || u[5] == UInt8(ascii: "w"),
              let y = CalendarDay.number(u[0..<4]), let w = CalendarDay.number(u[6..<8]), y >= 1,
              (1...weeksIn(isoYear: y)).contains(w) else { throw error }
        return .week(year: y, week: w)
    }

    public static func parseMonth(_ text: String) throws(PeriodError) -> FeedPeriod {
        let u = Array(text.utf8)
        guard u.count == 7, u[4] == UInt8(ascii: "-"), let y = CalendarDay.number(u[0..<4]),
              let m = CalendarDay.number(u[5..<7]), y >= 1, (1...12).contains(m) else {
            throw PeriodError(text: text, expected: "a month as YYYY-MM, e.g. 2025-02")
        }
        return .month(year: y, month: m)
    }

    /// ISO week-numbering year and week of a day (weeks start Monday; week 1 holds the first Thursday).
    public static func isoWeek(of day: CalendarDay) -> (year: Int, week: Int) {
        let thursday = day.advanced(by: 4 - day.isoWeekday)
        let y = thursday.year
        let jan1 = CalendarDay(year: y, month: 1, day: 1)!
        return (y, jan1.distance(to: thursday) / 7 + 1)
    }

    static func mondayOfISOWeek(year: Int, week: Int) -> CalendarDay {
        let jan4 = CalendarDay(year: year, month: 1, day: 4)!
        let week1Monday = jan4.advanced(by: 1 - jan4.isoWeekday)
        return week1Monday.advanced(by: (week - 1) * 7)
    }

    static func weeksIn(isoYear y: Int) -> Int {
        isoWeek(of: CalendarDay(year: y, month: 12, day: 28)!).week
    }
}

public struct PeriodError: Error, Equatable, CustomStringConvertible {
    public let text: String
    public let expected: String
    public var description: String { "'\(text)' is not \(expected)" }
}

extension FeedPeriod {
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                         "September", "October", "November", "December"]
    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    public static func shortDate(_ d: CalendarDay) -> String { "\(months[d.month - 1].prefix(3)) \(d.day)" }

    /// How pages and mails name the period: "Thursday, August 21, 2026", "Week 34 of 2026 · Aug 17 – Aug 23", "August 2026".
    public var title: String {
        switch self {
        case .day(let d):
            return "\(Self.weekdays[d.isoWeekday - 1]), \(Self.months[d.month - 1]) \(d.day), \(d.year)"
        case .week(let y, let w):
            return "Week \(w) of \(y) · \(Self.shortDate(days.lowerBound)) – \(Self.shortDate(days.upperBound))"
        case .month(let y, let m):
            return "\(Self.months[m - 1]) \(y)"
        }
    }
}
