import Foundation

/// When `serve` runs the scheduled ingest: after arXiv's announcements, 20:00 US Eastern, Sunday to
/// Thursday (arXiv announces five times a week; there is nothing new on Friday and Saturday evenings).
public struct IngestSchedule: Sendable, Equatable {
    public var hour: Int
    public var minute: Int
    public var timeZone: TimeZone
    /// Calendar weekdays, Sunday = 1 ... Saturday = 7.
    public var weekdays: Set<Int>

    public static let arxivAnnouncements = IngestSchedule(
        hour: 20, minute: 0, timeZone: TimeZone(identifier: "America/New_York")!, weekdays: [1, 2, 3, 4, 5])

    public init(hour: Int, minute: Int, timeZone: TimeZone, weekdays: Set<Int>) {
        self.hour = hour
        self.minute = minute
        self.timeZone = timeZone
        self.weekdays = weekdays
    }

    /// The first run strictly after `date`, in the schedule's time zone (daylight saving included).
    public func nextRun(after date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var day = calendar.startOfDay(for: date)
        for _ in 0..<15 {
            if weekdays.contains(calendar.component(.weekday, from: day)),
               let candidate = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day), candidate > date {
                return candidate
            }
            day = calendar.date(byAdding: .day, value: 1, to: day)!
        }
        return date.addingTimeInterval(86_400)
    }
}
