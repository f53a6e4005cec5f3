import CZlib
import Foundation

/// Reads a file line by line in constant memory, gzip-compressed or not (zlib's gzread passes plain
/// files through), so multi-gigabyte dumps stream instead of loading.
public final class LineReader {
    private let file: gzFile
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var pending: [UInt8] = []
    private var start = 0
    private var end = 0
    private var finished = false
    public private(set) var lineNumber = 0
    /// Compressed bytes consumed so far, for progress against the file size.
    public var compressedOffset: Int { Int(gzoffset(file)) }

    public init(path: String) throws(IngestError) {
        guard FileManager.default.isReadableFile(atPath: path) else { throw IngestError("cannot read '\(path)'") }
        guard let f = gzopen(path, "rb") else { throw IngestError("cannot open '\(path)'") }
        file = f
        gzbuffer(f, 1 << 18)
    }

    deinit { gzclose(file) }

    /// The next line without its newline, or nil at the end. A truncated gzip stream is an error.
    public func next() throws(IngestError) -> [UInt8]? {
        while true {
            if let nl = buffer[start..<end].firstIndex(of: 0x0A) {
                var line = pending
                line.append(contentsOf: buffer[start..<nl])
                pending.removeAll(keepingCapacity: true)
                start = nl + 1
                lineNumber += 1
                if line.last == 0x0D { line.removeLast() }
                return line
            }
            pending.append(contentsOf: buffer[start..<end])
            start = 0
            end = 0
            if finished {
                guard !pending.isEmpty else { return nil }
                let line = pending
                pending.removeAll()
                lineNumber += 1
                return line
            }
            let n = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
                throw IngestError("cannot read past line \(lineNumber): \(message)")
            }
            if n == 0 {
                // gzread returns 0 both at a clean end and at a cut-off gzip stream; gzerror tells which.
                var code: Int32 = 0
                _ = gzerror(file, &code)
                if code != Z_OK && code != Z_STREAM_END {
                    throw IngestError("the gzip stream ends early after line \(lineNumber) (the file looks truncated)")
                }
                finished = true
            }
            end = Int(n)
        }
    }
}
