import ArgumentParser
import DailyPapersCore
import DailyPapersWeb
import Foundation

/// `serve`'s settings for accounts, submissions, votes, comments and mail. Each has an environment fallback.
struct CommunityOptions: ParsableArguments {
    @Option(help: "bcrypt cost for passwords, 10-16 (env DAILYPAPERS_BCRYPT_COST; default 12).")
    var bcryptCost: String?

    @Option(help: "Submissions per member per UTC day (env DAILYPAPERS_SUBMISSIONS_PER_DAY; default 5).")
    var submissionsPerDay: String?

    @Option(help: "Oldest paper accepted for submission, in days since its first version (env DAILYPAPERS_SUBMISSION_MAX_AGE_DAYS; default 14).")
    var submissionMaxAgeDays: String?

    @Option(help: "Minutes after posting during which a comment can be edited (env DAILYPAPERS_COMMENT_EDIT_MINUTES; default 15).")
    var commentEditMinutes: String?

    @Option(help: "Days a session lasts without use (env DAILYPAPERS_SESSION_DAYS; default 30).")
    var sessionDays: String?

    @Option(help: "Multiply every rate limit; 0 disables them, for benchmarks only (env DAILYPAPERS_RATE_LIMIT_SCALE; default 1).")
    var rateLimitScale: String?

    @Flag(help: "Take client addresses from X-Forwarded-For (only behind your own proxy; env DAILYPAPERS_TRUST_PROXY=1).")
    var trustProxy = false

    @Option(help: "Trending: hours of age worth a tenfold drop in engagement (env DAILYPAPERS_TRENDING_GRAVITY_HOURS; default 12.5).")
    var trendingGravityHours: String?

    @Option(help: "Trending: days of submissions the trending lists consider (env DAILYPAPERS_TRENDING_WINDOW_DAYS; default 7).")
    var trendingWindowDays: String?

    @Option(help: "Trending: weight of a comment against an upvote (env DAILYPAPERS_TRENDING_COMMENT_WEIGHT; default 2).")
    var trendingCommentWeight: String?

    @Option(help: "arXiv API used to look up submitted papers the database lacks, or 'off' (env DAILYPAPERS_ARXIV_API).")
    var arxivAPI: String?

    func settings(publicURL: String, contact: String?, _ problems: inout [String]) -> CommunitySettings {
        var s = CommunitySettings()
        func number(_ flag: String, _ value: String?, _ env: String, range: ClosedRange<Double>) -> Double? {
            guard let text = value ?? Environment.value(env) else { return nil }
            guard let n = Double(text), range.contains(n) else {
                problems.append("--\(flag) '\(text)' is not a number from \(range.lowerBound) to \(range.upperBound)"
                                + (value == nil ? " (from \(env))" : ""))
                return nil
            }
            return n
        }
        if let n = number("bcrypt-cost", bcryptCost, "DAILYPAPERS_BCRYPT_COST", range: 10...16) { s.bcryptCost = Int(n) }
        if let n = number("submissions-per-day", submissionsPerDay, "DAILYPAPERS_SUBMISSIONS_PER_DAY", range: 0...1000) {
            s.submissionRules.dailyCap = Int(n)
        }
        if let n = number("submission-max-age-days", submissionMaxAgeDays, "DAILYPAPERS_SUBMISSION_MAX_AGE_DAYS", range: 0...100_000) {
            s.submissionRules.maximumAgeDays = Int(n)
        }
        if let n = number("comment-edit-minutes", commentEditMinutes, "DAILYPAPERS_COMMENT_EDIT_MINUTES", range: 0...100_000) {
            s.commentEditWindow = n * 60
        }
        if let n = number("session-days", sessionDays, "DAILYPAPERS_SESSION_DAYS", range: 0.01...3650) { s.sessionLifetimeDays = n }
        if let n = number("rate-limit-scale", rateLimitScale, "DAILYPAPERS_RATE_LIMIT_SCALE", range: 0...1_000_000) { s.rateLimitScale = n }
        s.trustProxy = trustProxy || Environment.value("DAILYPAPERS_TRUST_PROXY") == "1"
        if let n = number("trending-gravity-hours", trendingGravityHours, "DAILYPAPERS_TRENDING_GRAVITY_HOURS", range: 0.1...10_000) {
            s.trending.gravitySeconds = n * 3600
        }
        if let n = number("trending-window-days", trendingWindowDays, "DAILYPAPERS_TRENDING_WINDOW_DAYS", range: 1...100_000) {
            s.trending.windowDays = Int(n)
        }
        if let n = number("trending-comment-weight", trendingCommentWeight, "DAILYPAPERS_TRENDING_COMMENT_WEIGHT", range: 0...1000) {
            s.trending.commentWeight = n
        }
        if let api = arxivAPI ?? Environment.value("DAILYPAPERS_ARXIV_API") {
            if api == "off" { s.arxivAPI = nil } else if api.hasPrefix("http://") || api.hasPrefix("https://") { s.arxivAPI = api } else {
                problems.append("--arxiv-api '\(api)' is not an http(s) URL or 'off'")
            }
        }
        s.arxivContact = contact
        return s
    }
}
