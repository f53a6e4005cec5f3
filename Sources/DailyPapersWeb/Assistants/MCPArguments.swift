import Foundation
import MCP

/// A tool call's arguments, read by name with the tool's rules: a missing, mistyped or out-of-range value, or a
/// name the tool does not take, is a JSON-RPC "invalid params" error (-32602) whose message names the argument
/// and what it takes, so an assistant can correct its call.
struct MCPArguments {
    private let values: [String: Value]

    init(_ values: [String: Value]?, accepted: [String]) throws(MCPError) {
        let values = values ?? [:]
        if let unknown = values.keys.sorted().first(where: { !accepted.contains($0) }) {
            let takes = accepted.isEmpty ? "no arguments" : accepted.joined(separator: ", ")
            throw .invalidParams("'\(String(unknown.prefix(40)))' is not an argument of this tool; it takes \(takes).")
        }
        self.values = values
    }

    /// Null counts as absent: some clients send every declared argument, unset ones as null.
    private func value(_ name: String) -> Value? {
        guard let v = values[name], !v.isNull else { return nil }
        return v
    }

    func string(_ name: String, maxLength: Int) throws(MCPError) -> String? {
        guard let v = value(name) else { return nil }
        guard let s = v.stringValue else { throw .invalidParams("\(name): give a string.") }
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= maxLength else { throw .invalidParams("\(name): at most \(maxLength) characters.") }
        return trimmed.isEmpty ? nil : trimmed
    }

    func requiredString(_ name: String, maxLength: Int) throws(MCPError) -> String {
        guard let s = try string(name, maxLength: maxLength) else { throw .invalidParams("\(name) is required.") }
        return s
    }

    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(MCPError) -> Int {
        guard let v = value(name) else { return fallback }
        // JSON has one number type: 10.0 is 10; a string of digits is taken as well (some clients send them).
        let n: Int? = switch v {
        case .int(let i): i
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: Int(d)
        case .string(let s): Int(s.trimmingCharacters(in: .whitespaces))
        default: nil
        }
        guard let n, range.contains(n) else {
            throw .invalidParams("\(name): a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return n
    }

    func bool(_ name: String, default fallback: Bool) throws(MCPError) -> Bool {
        guard let v = value(name) else { return fallback }
        switch v {
        case .bool(let b): return b
        case .string("true"): return true
        case .string("false"): return false
        default: throw .invalidParams("\(name): true or false.")
        }
    }

    func choice(_ name: String, _ options: [String], default fallback: String) throws(MCPError) -> String {
        guard let s = try string(name, maxLength: 40) else { return fallback }
        guard options.contains(s) else { throw .invalidParams("\(name): one of \(options.joined(separator: ", ")).") }
        return s
    }
}
