import Foundation
import Testing
@testable import dailypapers

/// Every setting is read by one reader: a flag, else the environment, else the config file, else the default.
@Suite struct SettingsReaderTests {
    func configFile(_ json: String) throws -> String {
        let path = NSTemporaryDirectory() + "dailypapers-settings-\(UUID().uuidString).json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aFlagWinsOverTheEnvironmentWhichWinsOverTheFile() async throws {
        let file = try configFile(#"{"site-name": "From the file", "port": 9000, "counts-lag": "7", "trust-proxy": true}"#)
        var problems: [String] = []
        let fileOnly = try await SettingsReader.load(flags: [:], config: file, environment: [:])
        #expect(fileOnly.text(.siteName, default: "Daily Papers", &problems) == "From the file")
        #expect(fileOnly.whole(.port, default: 8080, range: 0...65535, &problems) == 9000)
        #expect(fileOnly.whole(.countsLag, default: 5, range: 0...3600, &problems) == 7)  // a number written as a string
        #expect(fileOnly.boolean(.trustProxy, &problems))
        let environment = ["DAILYPAPERS_SITE_NAME": "From the environment", "DAILYPAPERS_PORT": "9100"]
        let withEnvironment = try await SettingsReader.load(flags: [:], config: file, environment: environment)
        #expect(withEnvironment.text(.siteName, default: "Daily Papers", &problems) == "From the environment")
        #expect(withEnvironment.whole(.port, default: 8080, range: 0...65535, &problems) == 9100)
        let withFlag = try await SettingsReader.load(flags: [.siteName: "From the flag", .port: nil], config: file, environment: environment)
        #expect(withFlag.text(.siteName, default: "Daily Papers", &problems) == "From the flag")
        #expect(withFlag.whole(.port, default: 8080, range: 0...65535, &problems) == 9100)  // a flag not given is no flag
        let none = try await SettingsReader.load(flags: [:], config: nil, environment: ["DAILYPAPERS_SITE_NAME": ""])
        #expect(none.text(.siteName, default: "Daily Papers", &problems) == "Daily Papers")  // empty is unset
        #expect(!none.boolean(.trustProxy, &problems))
        #expect(problems.isEmpty)
    }

    @Test func theConfigFileCanBeNamedByTheEnvironment() async throws {
        let file = try configFile(#"{"host": "0.0.0.0"}"#)
        var problems: [String] = []
        let settings = try await SettingsReader.load(flags: [:], config: nil, environment: ["DAILYPAPERS_CONFIG": file])
        #expect(settings.text(.host, default: "127.0.0.1", &problems) == "0.0.0.0")
    }

    @Test func anUnknownKeyInTheFileIsAnErrorNamingIt() async throws {
        let file = try configFile(#"{"port": 9000, "sitename": "Typo"}"#)
        let error = await #expect(throws: SettingsError.self) {
            _ = try await SettingsReader.load(flags: [:], config: file, environment: [:])
        }
        #expect(error?.description.contains("'sitename'") == true)
        #expect(error?.description.contains("site-name") == true)  // the known names are listed
    }

    @Test func aFileThatIsNotAnObjectOfPlainValuesIsRefused() async throws {
        for json in [#"[1, 2]"#, #"{"port": {"value": 1}}"#, #"{"port": null}"#, "not json"] {
            let file = try configFile(json)
            await #expect(throws: SettingsError.self) { _ = try await SettingsReader.load(flags: [:], config: file, environment: [:]) }
        }
        await #expect(throws: SettingsError.self) {
            _ = try await SettingsReader.load(flags: [:], config: "/nonexistent/dailypapers.json", environment: [:])
        }
    }

    @Test func aBadValueIsReportedWithWhereItCameFrom() async throws {
        let file = try configFile(#"{"port": "eighty", "session-days": 0}"#)
        var problems: [String] = []
        let fromFile = try await SettingsReader.load(flags: [:], config: file, environment: ["DAILYPAPERS_BCRYPT_COST": "99"])
        _ = fromFile.whole(.port, default: 8080, range: 0...65535, &problems)
        _ = fromFile.number(.sessionDays, range: 0.01...3650, &problems)
        _ = fromFile.whole(.bcryptCost, default: 12, range: 10...16, &problems)
        _ = fromFile.boolean(.trustProxy, &problems)
        #expect(problems.count == 3)
        #expect(problems[0].hasPrefix("--port 'eighty' is not a whole number") && problems[0].contains("'port' in \(file)"))
        #expect(problems[1].contains("--session-days '0'") && problems[1].contains("'session-days' in \(file)"))
        #expect(problems[2].contains("--bcrypt-cost '99'") && problems[2].hasSuffix("(from DAILYPAPERS_BCRYPT_COST)"))
    }

    /// One declaration per setting: names, variables and help never collide, and the README lists each one.
    @Test func everySettingIsDeclaredOnceAndDocumented() throws {
        let names = Setting.all.map(\.name), variables = Setting.all.map(\.environment)
        #expect(Set(names).count == names.count)
        #expect(Set(variables).count == variables.count)
        let readme = try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md").path, encoding: .utf8)
        for setting in Setting.all {
            #expect(readme.contains("`\(setting.flag)`"), "README does not list \(setting.flag)")
            #expect(readme.contains(setting.environment), "README does not name \(setting.environment)")
        }
    }
}
