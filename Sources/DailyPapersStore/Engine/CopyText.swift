import NIOCore

/// Rows in the text format of PostgreSQL's COPY: tab between columns, a line per row, `\N` for NULL, and
/// backslash, tab, newline and carriage return escaped with a backslash inside text.
enum CopyText {
    static func encode(_ rows: [[SQLValue]]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(rows.count * 64)
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                switch cell {
                case .null: buffer.writeStaticString("\\N")
                case .integer(let v): buffer.writeString(String(v))
                case .real(let v): buffer.writeString(real(v))
                case .text(let v): writeEscaped(v, to: &buffer)
                }
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        return buffer
    }

    /// Swift's shortest round-trip form, which float8 reads back exactly; its own words for the rest.
    static func real(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "Infinity" : "-Infinity" }
        return String(v)
    }

    private static func writeEscaped(_ text: String, to buffer: inout ByteBuffer) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}
