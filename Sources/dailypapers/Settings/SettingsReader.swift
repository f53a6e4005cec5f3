import Configuration
import Foundation

/// Reads every setting once, by one precedence: a flag on the command line, then the environment, then the
/// config file (`--config FILE`, a JSON object whose keys are the settings' names), then the default.
/// swift-configuration's providers read each layer; the precedence is walked here so that a value that
/// does not parse is reported with where it came from instead of silently falling to the next layer.
struct SettingsReader: Sendable {
    private let flags: [Setting: String]
    private let environment: EnvironmentVariablesProvider
    private let file: FileProvider<JSONSnapshot>?
    private let fileName: String?

    /// `flags`: the values given on the command line (nil when a flag was not given).
    static func load(flags: [Setting: String?], config: String?,
                     environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> SettingsReader {
        let given = flags.compactMapValues { $0 }
        // Empty variables count as unset, as shells leave them so.
        let variables = environment.filter { !$0.value.isEmpty }
        let path = config ?? variables["DAILYPAPERS_CONFIG"]
        var file: FileProvider<JSONSnapshot>?
        if let path {
            try Self.checkKeys(of: path)
            let location = ConfigReader(provider: InMemoryProvider(values: ["filePath": .init(.string(path), isSecret: false)]))
            file = try await FileProvider<JSONSnapshot>(config: location)
        }
        return SettingsReader(flags: given, environment: EnvironmentVariablesProvider(environmentVariables: variables),
                              file: file, fileName: path)
    }

    /// The file must be one JSON object of known settings: a misspelt key would otherwise be ignored, and the
    /// operator left wondering why the setting has no effect.
    static func checkKeys(of path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SettingsError("cannot read the config file \(path): \(error.localizedDescription)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw SettingsError("the config file \(path) is not a JSON object such as {\"port\": 8080, \"site-name\": \"Lab Papers\"}")
        }
        let known = Set(Setting.all.map(\.name))
        let unknown = object.keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw SettingsError("unknown setting\(unknown.count > 1 ? "s" : "") \(unknown.map { "'\($0)'" }.joined(separator: ", ")) "
                                + "in the config file \(path); settings are named as their flags without the dashes: "
                                + Setting.all.map(\.name).joined(separator: ", "))
        }
        for (key, value) in object where value is [Any] || value is [String: Any] || value is NSNull {
            throw SettingsError("'\(key)' in the config file \(path) must be a string, a number or true/false")
        }
    }

    /// The value given for `setting` as text, and where it came from; nil when it was not given anywhere.
    func given(_ setting: Setting) throws -> (text: String, source: String)? {
        if let text = flags[setting] { return (text, setting.flag) }
        if let value = try environment.value(forKey: AbsoluteConfigKey([setting.environment]), type: .string).value,
           case .string(let text) = value.content {
            return (text, setting.environment)
        }
        guard let file, let fileName else { return nil }
        let key = AbsoluteConfigKey([setting.name])
        let source = "'\(setting.name)' in \(fileName)"
        // JSON gives numbers and booleans as such; a number written as a string is accepted too.
        let types: [ConfigType] = switch setting.kind {
        case .text: [.string, .int, .double, .bool]
        case .whole: [.int, .string]
        case .number: [.double, .string]
        case .boolean: [.bool, .string]
        }
        for type in types {
            guard let value = try? file.value(forKey: key, type: type).value else { continue }
            switch value.content {
            case .string(let s): return (s, source)
            case .int(let n): return (String(n), source)
            case .double(let d): return (d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d), source)
            case .bool(let b): return (b ? "true" : "false", source)
            default: continue
            }
        }
        let present = [ConfigType.string, .int, .double, .bool].contains { (try? file.value(forKey: key, type: $0).value) != nil }
        guard present else { return nil }
        let expected = switch setting.kind {
        case .text: "a string"
        case .whole: "a whole number"
        case .number: "a number"
        case .boolean: "true or false"
        }
        throw SettingsError("\(source) is not \(expected)")
    }

    // MARK: Typed reads. Each bad value is added to `problems`, so that start-up names every one at once.

    func text(_ setting: Setting, _ problems: inout [String]) -> String? {
        do { return try given(setting)?.text } catch { problems.append("\(error)"); return nil }
    }

    func text(_ setting: Setting, default fallback: String, _ problems: inout [String]) -> String {
        text(setting, &problems) ?? fallback
    }

    /// Where a bad value came from, when not from its flag.
    private func origin(_ source: String, _ setting: Setting) -> String {
        source == setting.flag ? "" : " (from \(source))"
    }

    func whole(_ setting: Setting, default fallback: Int, range: ClosedRange<Int>, _ problems: inout [String]) -> Int {
        whole(setting, range: range, &problems) ?? fallback
    }

    func whole(_ setting: Setting, range: ClosedRange<Int>, _ problems: inout [String]) -> Int? {
        parsed(setting, "a whole number from \(range.lowerBound) to \(range.upperBound)", &problems) { text in
            Int(text.trimmingCharacters(in: .whitespaces)).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    func number(_ setting: Setting, range: ClosedRange<Double>, _ problems: inout [String]) -> Double? {
        parsed(setting, "a number from \(range.lowerBound) to \(range.upperBound)", &problems) { text in
            Double(text.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite && range.contains($0) ? $0 : nil }
        }
    }

    /// A switch: a flag given, or 1/true/yes/on (0/false/no/off) in the environment or the file.
    func boolean(_ setting: Setting, _ problems: inout [String]) -> Bool {
        parsed(setting, "on or off (1 or 0, true or false)", &problems) { text in
            switch text.lowercased() {
            case "1", "true", "yes", "on": true
            case "0", "false", "no", "off", "": false
            default: nil
            }
        } ?? false
    }

    /// The value given for `setting` read by `parse`; nil when not given, or when it does not parse (then a
    /// problem names the flag, the value, what was expected and, unless it was the flag, where it came from).
    private func parsed<T>(_ setting: Setting, _ expected: String, _ problems: inout [String], _ parse: (String) -> T?) -> T? {
        let value: (text: String, source: String)?
        do { value = try given(setting) } catch { problems.append("\(error)"); return nil }
        guard let (text, source) = value else { return nil }
        guard let result = parse(text) else {
            problems.append("\(setting.flag) '\(text)' is not \(expected)" + origin(source, setting))
            return nil
        }
        return result
    }
}

struct SettingsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
