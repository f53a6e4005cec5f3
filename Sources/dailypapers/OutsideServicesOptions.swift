import ArgumentParser
import DailyPapersJobs
import DailyPapersWeb
import Foundation

/// The outside services `serve` may call on: GitHub for stars, an OpenAI-compatible API for summaries.
struct OutsideServicesOptions: ParsableArguments {
    @Option(help: Setting.githubAPI.help) var githubAPI: String?
    @Option(help: Setting.githubToken.help) var githubToken: String?
    @Option(help: Setting.summariesAPI.help) var summariesAPI: String?
    @Option(help: Setting.summariesModel.help) var summariesModel: String?
    @Option(help: Setting.summariesKey.help) var summariesKey: String?
    @Option(help: Setting.summariesPerHour.help) var summariesPerHour: String?
    @Option(help: Setting.fediverseEvery.help) var fediverseEvery: String?
    @Option(help: Setting.fediversePrivatePeers.help) var fediversePrivatePeers: String?

    var flags: [Setting: String?] {
        [.githubAPI: githubAPI, .githubToken: githubToken, .summariesAPI: summariesAPI, .summariesModel: summariesModel,
         .summariesKey: summariesKey, .summariesPerHour: summariesPerHour, .fediverseEvery: fediverseEvery,
         .fediversePrivatePeers: fediversePrivatePeers]
    }

    /// The stars job's settings, or nil for `--github-api off`.
    static func githubStars(_ read: SettingsReader, _ problems: inout [String]) -> GitHubStarsJob.Settings? {
        let base = read.text(.githubAPI, default: "https://api.github.com", &problems)
        guard base != "off" else { return nil }
        guard webBase(base) else {
            problems.append("--github-api '\(base)' is not an http(s) URL or 'off'")
            return nil
        }
        return GitHubStarsJob.Settings(base: base, token: read.text(.githubToken, &problems))
    }

    /// The summaries job's settings, or nil when no `--summaries-api` is given.
    static func summaries(_ read: SettingsReader, _ problems: inout [String]) -> SummariesJob.Settings? {
        let perHour = read.whole(.summariesPerHour, default: 30, range: 1...10_000, &problems)
        guard let base = read.text(.summariesAPI, &problems), !base.isEmpty, base != "off" else { return nil }
        guard webBase(base) else {
            problems.append("--summaries-api '\(base)' is not an http(s) URL")
            return nil
        }
        guard let model = read.text(.summariesModel, &problems), !model.isEmpty, model.count <= 200 else {
            problems.append("--summaries-model is required with --summaries-api (the model to summarise with)")
            return nil
        }
        return SummariesJob.Settings(base: base, model: model, key: read.text(.summariesKey, &problems), perHour: perHour)
    }

    static func fediverse(_ read: SettingsReader, _ problems: inout [String]) -> FediverseSettings {
        FediverseSettings(every: .seconds(read.whole(.fediverseEvery, default: 30, range: 1...3600, &problems)),
                          allowPrivatePeers: read.boolean(.fediversePrivatePeers, &problems))
    }

    static func webBase(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else { return false }
        return true
    }
}
