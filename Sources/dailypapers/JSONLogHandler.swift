import Synchronization
import Foundation
import Logging

/// One JSON object per line on standard error, for log collectors: time, level, label, message and
/// metadata (Hummingbird puts the request id in `hb.request.id`).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        write(level: event.level, message: event.message, metadata: event.metadata, source: event.source,
              error: event.error.map { "\($0)" })
    }

    private func write(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                       source: String, error: String?) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit { merged.merge(explicit) { $1 } }
        var object: [String: Any] = [
            "time": ISO8601DateFormatter().string(from: Date()), "level": level.rawValue, "label": label,
            "message": message.description, "source": source,
        ]
        for (key, value) in merged { object[key] = Self.plain(value) }
        if let error { object["error"] = error }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        data.append(0x0A)
        FileHandle.standardError.write(data)
    }

    static func plain(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let s): return s.description
        case .array(let a): return a.map(plain)
        case .dictionary(let d): return d.mapValues(plain)
        }
    }
}

enum LogFormat {
    private static let json = Mutex(false)

    /// `--log-format json` / `LOG_FORMAT=json`, read before the command line is parsed so that no logger is
    /// made before; a config file's `log-format` is applied by `useJSON` when the settings are read.
    static func bootstrap(_ arguments: [String]) {
        let flag = arguments.firstIndex(of: "--log-format").flatMap { i in i + 1 < arguments.count ? arguments[i + 1] : nil }
            ?? arguments.first { $0.hasPrefix("--log-format=") }.map { String($0.dropFirst("--log-format=".count)) }
        if (flag ?? ProcessInfo.processInfo.environment["LOG_FORMAT"]) == "json" { useJSON() }
    }

    /// Logs as JSON lines from now on (once per process, as swift-log allows).
    static func useJSON() {
        let first = json.withLock { done in
            defer { done = true }
            return !done
        }
        if first { LoggingSystem.bootstrap { JSONLogHandler(label: $0) } }
    }
}
