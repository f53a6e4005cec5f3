import ArgumentParser
import DailyPapersCore
import DailyPapersWeb
import Foundation

/// `serve`'s settings for accounts, submissions, votes, comments and trending.
struct CommunityOptions: ParsableArguments {
    @Option(help: Setting.bcryptCost.help) var bcryptCost: String?
    @Option(help: Setting.submissionsPerDay.help) var submissionsPerDay: String?
    @Option(help: Setting.submissionMaxAgeDays.help) var submissionMaxAgeDays: String?
    @Option(help: Setting.commentEditMinutes.help) var commentEditMinutes: String?
    @Option(help: Setting.sessionDays.help) var sessionDays: String?
    @Option(help: Setting.rateLimitScale.help) var rateLimitScale: String?
    @Flag(help: Setting.trustProxy.help) var trustProxy = false
    @OptionGroup var trending: TrendingOptions

    var flags: [Setting: String?] {
        [.bcryptCost: bcryptCost, .submissionsPerDay: submissionsPerDay, .submissionMaxAgeDays: submissionMaxAgeDays,
         .commentEditMinutes: commentEditMinutes, .sessionDays: sessionDays, .rateLimitScale: rateLimitScale,
         .trustProxy: trustProxy ? "on" : nil].merging(trending.flags) { $1 }
    }

    /// Unset settings keep `CommunitySettings`' defaults (the values the help shows).
    static func settings(_ read: SettingsReader, _ problems: inout [String]) -> CommunitySettings {
        var s = CommunitySettings()
        if let n = read.whole(.bcryptCost, range: 10...16, &problems) { s.bcryptCost = n }
        if let n = read.whole(.submissionsPerDay, range: 0...1000, &problems) { s.submissionRules.dailyCap = n }
        if let n = read.whole(.submissionMaxAgeDays, range: 0...100_000, &problems) { s.submissionRules.maximumAgeDays = n }
        if let n = read.number(.commentEditMinutes, range: 0...100_000, &problems) { s.commentEditWindow = n * 60 }
        if let n = read.number(.sessionDays, range: 0.01...3650, &problems) { s.sessionLifetimeDays = n }
        if let n = read.number(.rateLimitScale, range: 0...1_000_000, &problems) { s.rateLimitScale = n }
        s.trustProxy = read.boolean(.trustProxy, &problems)
        s.trending = TrendingOptions.trending(read, &problems)
        if let api = read.text(.arxivAPI, &problems) {
            if api == "off" { s.arxivAPI = nil } else if api.hasPrefix("http://") || api.hasPrefix("https://") { s.arxivAPI = api } else {
                problems.append("--arxiv-api '\(api)' is not an http(s) URL or 'off'")
            }
        }
        s.arxivContact = read.text(.contact, &problems)
        return s
    }
}

/// How trending scores are computed: by `serve`, and by the imports and ingests that store scores (a
/// re-import with other weights would reset the scores the site computes).
struct TrendingOptions: ParsableArguments {
    @Option(help: Setting.trendingGravityHours.help) var trendingGravityHours: String?
    @Option(help: Setting.trendingWindowDays.help) var trendingWindowDays: String?
    @Option(help: Setting.trendingCommentWeight.help) var trendingCommentWeight: String?

    var flags: [Setting: String?] {
        [.trendingGravityHours: trendingGravityHours, .trendingWindowDays: trendingWindowDays,
         .trendingCommentWeight: trendingCommentWeight]
    }

    static func trending(_ read: SettingsReader, _ problems: inout [String]) -> Trending {
        var t = Trending.standard
        if let n = read.number(.trendingGravityHours, range: 0.1...10_000, &problems) { t.gravitySeconds = n * 3600 }
        if let n = read.whole(.trendingWindowDays, range: 1...100_000, &problems) { t.windowDays = n }
        if let n = read.number(.trendingCommentWeight, range: 0...1000, &problems) { t.commentWeight = n }
        return t
    }
}
