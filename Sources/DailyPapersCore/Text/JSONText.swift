/// JSON text for the few shapes the store writes into columns (a list of keywords or affiliations), without a
/// JSONEncoder per value: making one per author was a tenth of a bulk import's writing.
public enum JSONText {
    /// `["a","b"]`, each string escaped as JSON requires (quote, backslash, control characters).
    public static func stringArray(_ items: [String]) -> String {
        guard !items.isEmpty else { return "[]" }
        var out = "["
        for (i, item) in items.enumerated() {
            if i > 0 { out += "," }
            appendString(item, to: &out)
        }
        out += "]"
        return out
    }

    /// `s` as a JSON string.
    public static func appendString(_ s: String, to out: inout String) {
        out += "\""
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
