import DailyPapersCore
import DailyPapersStore

/// The query parameters of `GET /api/daily_papers`, validated with HF's names and ranges.
struct DailyPapersParameters {
    var query: FeedQuery

    static func parse(_ params: [String: String]) throws(WebError) -> DailyPapersParameters {
        var periods: [FeedPeriod] = []
        do {
            if let d = params["date"] { periods.append(try FeedPeriod.parseDay(d)) }
            if let w = params["week"] { periods.append(try FeedPeriod.parseWeek(w)) }
            if let m = params["month"] { periods.append(try FeedPeriod.parseMonth(m)) }
        } catch {
            throw WebError.badRequest("\(parameterName(params, error.text)): \(error.description)")
        }
        guard periods.count <= 1 else { throw WebError.badRequest("give at most one of date, week and month") }
        let sort: FeedSort
        switch params["sort"] ?? "publishedAt" {
        case "publishedAt": sort = .newest
        case "trending": sort = .trending
        case let other: throw WebError.badRequest("sort: '\(other)' is not one of publishedAt, trending")
        }
        let limit = try integer(params, "limit", default: 50, range: 1...100)
        let page = try integer(params, "p", default: 0, range: 0...100_000)
        let submitter = params["submitter"].flatMap { $0.isEmpty ? nil : $0 }
        if let s = submitter, s.count > 100 { throw WebError.badRequest("submitter: longer than 100 characters") }
        return DailyPapersParameters(query: FeedQuery(period: periods.first, sort: sort, submitter: submitter,
                                                      offset: page * limit, limit: limit))
    }

    static func integer(_ params: [String: String], _ name: String, default value: Int, range: ClosedRange<Int>) throws(WebError) -> Int {
        guard let text = params[name] else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw WebError.badRequest("\(name): '\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    private static func parameterName(_ params: [String: String], _ text: String) -> String {
        ["date", "week", "month"].first { params[$0] == text } ?? "date"
    }
}
