import Foundation

/// An instant with millisecond precision, the precision Hugging Face's API uses.
/// Formatting and parsing are hand-written because they sit on the API's hot path and
/// Foundation's ISO 8601 formatters are slow and not Sendable on every platform.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let millisecondsSince1970: Int64

    public init(millisecondsSince1970: Int64) { self.millisecondsSince1970 = millisecondsSince1970 }
    public init(secondsSince1970: Double) { millisecondsSince1970 = Int64((secondsSince1970 * 1000).rounded()) }

    public var secondsSince1970: Double { Double(millisecondsSince1970) / 1000 }
    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millisecondsSince1970 < b.millisecondsSince1970 }
    public var description: String { iso8601 }

    public func adding(seconds: Double) -> Timestamp {
        Timestamp(millisecondsSince1970: millisecondsSince1970 + Int64((seconds * 1000).rounded()))
    }

    /// `2024-12-03T23:10:21.616Z`
    public var iso8601: String {
        let day = CalendarDay(utcOf: self)
        var ms = Int(millisecondsSince1970 - Int64(day.daysSinceEpoch) * 86_400_000)
        let h = ms / 3_600_000; ms -= h * 3_600_000
        let m = ms / 60_000; ms -= m * 60_000
        let s = ms / 1000; ms -= s * 1000
        return "\(day.iso)T\(CalendarDay.pad(h, 2)):\(CalendarDay.pad(m, 2)):\(CalendarDay.pad(s, 2)).\(CalendarDay.pad(ms, 3))Z"
    }

    /// Parses RFC 3339 / ISO 8601 date-times: `2024-12-03T23:10:21Z`, with any number of fraction digits,
    /// and `Z` or a `+hh:mm` offset. A bare `YYYY-MM-DD` is midnight UTC.
    public init?(iso8601 text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count >= 10, let day = CalendarDay(iso: String(decoding: u[0..<10], as: UTF8.self)) else { return nil }
        var ms = Int64(day.daysSinceEpoch) * 86_400_000
        if u.count == 10 { self.init(millisecondsSince1970: ms); return }
        guard u.count >= 19, u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " "),
              u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              let h = CalendarDay.number(u[11..<13]), let mi = CalendarDay.number(u[14..<16]),
              let s = CalendarDay.number(u[17..<19]), h < 24, mi < 60, s < 61 else { return nil }
        ms += Int64(h * 3_600_000 + mi * 60_000 + s * 1000)
        var i = 19
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            var scale: Int64 = 100
            let start = i
            while i < u.count, u[i] >= 48, u[i] <= 57 {
                ms += Int64(u[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < u.count else { return nil }
        switch u[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard i + 1 == u.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard u.count == i + 6, u[i + 3] == UInt8(ascii: ":"),
                  let oh = CalendarDay.number(u[(i + 1)..<(i + 3)]), let om = CalendarDay.number(u[(i + 4)..<(i + 6)])
            else { return nil }
            let offset = Int64(oh * 3_600_000 + om * 60_000)
            ms += u[i] == UInt8(ascii: "+") ? -offset : offset
        default:
            return nil
        }
        self.init(millisecondsSince1970: ms)
    }
}

extension Timestamp {
    /// The current time, to the millisecond.
    public static var now: Timestamp { Timestamp(secondsSince1970: Date().timeIntervalSince1970) }
}
