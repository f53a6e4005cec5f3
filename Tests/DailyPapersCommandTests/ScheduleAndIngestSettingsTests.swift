import DailyPapersJobs
import Foundation
import Testing
@testable import dailypapers

/// The settings of `serve`'s schedules and of ingests reach what they drive: when digests go out, what an
/// ingest features and how it names itself to arXiv. (What the rules then feature is shown on real listings
/// by ArxivIngestTests.)
@Suite struct ScheduleAndIngestSettingsTests {
    func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func digestAtAndTimezoneSetWhenDigestsGoOut() async throws {
        var problems: [String] = []
        let paris = try await SettingsReader.load(flags: [.digestAt: "07:30", .digestTimezone: "Europe/Paris"], config: nil, environment: [:])
        let schedule = try #require(ServeCommand.digestSchedule(paris, &problems))
        // Friday noon UTC: the next weekday is Monday, 07:30 in Paris is 06:30 UTC in winter.
        #expect(schedule.nextRun(after: utc("2026-12-04T12:00:00Z")) == utc("2026-12-07T06:30:00Z"))
        #expect(schedule.nextRun(after: utc("2026-12-07T06:00:00Z")) == utc("2026-12-07T06:30:00Z"))
        #expect(schedule.nextRun(after: utc("2026-07-01T00:00:00Z")) == utc("2026-07-01T05:30:00Z"))  // summer time
        let fallback = try #require(ServeCommand.digestSchedule(try await SettingsReader.load(flags: [:], config: nil, environment: [:]), &problems))
        #expect(fallback.nextRun(after: utc("2026-12-07T00:00:00Z")) == utc("2026-12-07T13:00:00Z"))
        let off = try await SettingsReader.load(flags: [:], config: nil, environment: ["DAILYPAPERS_DIGEST_AT": "off"])
        #expect(ServeCommand.digestSchedule(off, &problems) == nil)
        #expect(problems.isEmpty)
        for (flags, named) in [([Setting.digestAt: "25:00"], "--digest-at"), ([.digestTimezone: "Mars/Olympus"], "--digest-timezone")] {
            var found: [String] = []
            #expect(ServeCommand.digestSchedule(try await SettingsReader.load(flags: flags, config: nil, environment: [:]), &found) == nil)
            #expect(found.count == 1 && found[0].hasPrefix(named), "\(found)")
        }
    }

    @Test func outsideServicesAreOnlyAskedWhenAndAsConfigured() async throws {
        var problems: [String] = []
        // GitHub's stars: on by default against GitHub, 60 an hour's share without a token, more with one, or off.
        let plain = try #require(OutsideServicesOptions.githubStars(try await SettingsReader.load(flags: [:], config: nil, environment: [:]), &problems))
        #expect(plain.base == "https://api.github.com" && plain.token == nil && plain.perRound == 50)
        let token = try await SettingsReader.load(flags: [.githubAPI: "http://127.0.0.1:9/gh"], config: nil, environment: ["DAILYPAPERS_GITHUB_TOKEN": "ght"])
        let tokened = try #require(OutsideServicesOptions.githubStars(token, &problems))
        #expect(tokened.base == "http://127.0.0.1:9/gh" && tokened.token == "ght" && tokened.perRound == 1_000)
        #expect(OutsideServicesOptions.githubStars(try await SettingsReader.load(flags: [.githubAPI: "off"], config: nil, environment: [:]), &problems) == nil)
        // Summaries: off unless an endpoint is given; then the model is required, the key and budget read.
        #expect(OutsideServicesOptions.summaries(try await SettingsReader.load(flags: [:], config: nil, environment: [:]), &problems) == nil)
        let on = try await SettingsReader.load(flags: [.summariesAPI: "http://127.0.0.1:8000/v1", .summariesModel: "qwen"], config: nil,
                                               environment: ["DAILYPAPERS_SUMMARIES_KEY": "sk-x", "DAILYPAPERS_SUMMARIES_PER_HOUR": "12"])
        let summaries = try #require(OutsideServicesOptions.summaries(on, &problems))
        #expect(summaries == SummariesJob.Settings(base: "http://127.0.0.1:8000/v1", model: "qwen", key: "sk-x", perHour: 12))
        #expect(problems.isEmpty)
        for (flags, named) in [([Setting.githubAPI: "ftp://x"], "--github-api"), ([.summariesAPI: "http://127.0.0.1/v1"], "--summaries-model"),
                               ([.summariesAPI: "javascript:x", .summariesModel: "m"], "--summaries-api")] {
            var found: [String] = []
            let read = try await SettingsReader.load(flags: flags, config: nil, environment: [:])
            _ = OutsideServicesOptions.githubStars(read, &found)
            _ = OutsideServicesOptions.summaries(read, &found)
            #expect(found.count == 1 && found[0].hasPrefix(named), "\(found)")
        }
    }

    @Test func autoFeatureRulesAndContactComeFromTheSettings() async throws {
        let path = NSTemporaryDirectory() + "dailypapers-ingest-\(UUID().uuidString).json"
        try #"{"auto-feature-categories": "cs.LG, cs.CL", "auto-feature-keywords": "diffusion, reward model", "contact": "ops@example.org"}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        var problems: [String] = []
        let settings = try await SettingsReader.load(flags: [.autoFeatureMax: "3"], config: path, environment: [:])
        let rules = ArxivOptions.rules(settings, &problems)
        #expect(rules.categories == ["cs.LG", "cs.CL"])
        #expect(rules.keywords == ["diffusion", "reward model"])
        #expect(rules.dailyMaximum == 3)
        #expect(ArxivOptions.userAgent(settings, &problems).contains("mailto:ops@example.org"))
        #expect(problems.isEmpty)
        let defaults = ArxivOptions.rules(try await SettingsReader.load(flags: [:], config: nil, environment: [:]), &problems)
        #expect(defaults.categories.isEmpty && defaults.keywords.isEmpty && defaults.dailyMaximum == 10)
        _ = ArxivOptions.rules(try await SettingsReader.load(flags: [.autoFeatureCategories: "cs.LG; DROP"], config: nil, environment: [:]), &problems)
        #expect(problems.count == 1 && problems[0].hasPrefix("--auto-feature-categories"))
    }
}
