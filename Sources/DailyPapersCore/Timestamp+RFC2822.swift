extension Timestamp {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Parses RFC 2822 dates as arXiv writes them in OAI-PMH, Kaggle's snapshot and RSS:
    /// `Fri, 21 Nov 2008 22:55:07 GMT`, `Mon, 28 Apr 2025 00:00:00 -0400` (weekday optional).
    public init?(rfc2822 text: some StringProtocol) {
        var parts: [String] = String(text).split(whereSeparator: { (c: Character) in c == " " || c == "\t" }).map { String($0) }
        if let first = parts.first, first.hasSuffix(",") { parts.removeFirst() }
        guard parts.count >= 4, let day = Int(parts[0]),
              let monthIndex = Self.months.firstIndex(of: parts[1].lowercased().prefix(3).description),
              let year = Int(parts[2]), let date = CalendarDay(year: year, month: monthIndex + 1, day: day) else { return nil }
        let clock = parts[3].split(separator: ":")
        guard clock.count == 2 || clock.count == 3, let h = Int(clock[0]), let m = Int(clock[1]), h < 24, m < 60 else { return nil }
        let s = clock.count == 3 ? Int(clock[2]) : 0
        guard let s, s < 61 else { return nil }
        var offsetMinutes = 0
        if parts.count >= 5 {
            let zone = parts[4]
            if let sign = zone.first, sign == "+" || sign == "-", zone.count == 5, let hhmm = Int(zone.dropFirst()) {
                offsetMinutes = (hhmm / 100 * 60 + hhmm % 100) * (sign == "-" ? -1 : 1)
            } else if !["GMT", "UT", "UTC", "Z"].contains(zone.uppercased()) {
                let named = ["EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420]
                guard let o = named[zone.uppercased()] else { return nil }
                offsetMinutes = o
            }
        }
        let dayMS: Int64 = Int64(date.daysSinceEpoch) * 86_400_000
        let clockMS: Int64 = Int64(h * 3_600_000 + m * 60_000 + s * 1000)
        let ms: Int64 = dayMS + clockMS - Int64(offsetMinutes) * 60_000
        self.init(millisecondsSince1970: ms)
    }
}

extension Timestamp {
    private static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Tue, 03 Dec 2024 23:10:21 GMT`: RSS 2.0 dates and HTTP `Last-Modified`.
    public var rfc2822: String { formatted(zone: "GMT") }

    /// The same with a numeric zone, as RFC 5322 asks of mail's Date header: `Wed, 04 Dec 2024 08:13:20 +0000`.
    public var rfc5322: String { formatted(zone: "+0000") }

    private func formatted(zone: String) -> String {
        let day = CalendarDay(utcOf: self)
        let c = day.components
        let seconds = Int((millisecondsSince1970 - Int64(day.daysSinceEpoch) * 86_400_000) / 1000)
        let clock = "\(CalendarDay.pad(seconds / 3600, 2)):\(CalendarDay.pad(seconds / 60 % 60, 2)):\(CalendarDay.pad(seconds % 60, 2))"
        return "\(Self.weekdayNames[day.isoWeekday - 1]), \(CalendarDay.pad(c.day, 2)) \(Self.monthNames[c.month - 1]) \(c.year) \(clock) \(zone)"
    }

    /// Whole seconds, as HTTP dates carry them.
    public var truncatedToSeconds: Timestamp { Timestamp(millisecondsSince1970: millisecondsSince1970 / 1000 * 1000) }
}
