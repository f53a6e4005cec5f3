import ArgumentParser
import DailyPapersJobs
import Foundation

/// The outside services `serve` may call on: GitHub for stars, an OpenAI-compatible API for summaries.
struct OutsideServicesOptions: ParsableArguments {
    @Option(help: Setting.githubAPI.help) var githubAPI: String?
    @Option(help: Setting.githubToken.help) var githubToken: String?
    @Option(help: Setting.summariesAPI.help) var summariesAPI: String?
    @Option(help: Setting.summariesModel.help) var summariesModel: String?
    @Option(help: Setting.summariesKey.help) var summariesKey: String?
    @Option(help: Setting.summariesPerHour.help) var summariesPerHour: String?

    var flags: [Setting: String?] {
        [.githubAPI: githubAPI, .githubToken: githubToken, .summariesAPI: summariesAPI, .summariesModel: summariesModel,
         .summariesKey: summariesKey, .summariesPerHour: summariesPerHour]
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

    static func webBase(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else { return false }
        return true
    }
}
