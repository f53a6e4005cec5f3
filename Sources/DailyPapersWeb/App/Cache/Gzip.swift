import CZlib
import NIOCore

/// gzip for responses. Cached responses are compressed once, when cached, so serving a compressed page
/// costs no more than serving the plain one.
enum Gzip {
    /// nil when compression fails or does not make the body smaller.
    static func compress(_ input: ByteBuffer, level: Int32 = 6) -> ByteBuffer? {
        var stream = z_stream()
        // windowBits 15 + 16 asks zlib for a gzip wrapper rather than a zlib one.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.readableBytes)))
        var output = [UInt8](repeating: 0, count: bound)
        let status: Int32 = input.withUnsafeReadableBytes { source in
            output.withUnsafeMutableBytes { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) < input.readableBytes else { return nil }
        return ByteBuffer(bytes: output.prefix(Int(stream.total_out)))
    }

    static func accepted(by request: HTTPFieldsAcceptEncoding) -> Bool {
        guard let value = request.acceptEncoding else { return false }
        return value.split(separator: ",").contains { part in
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.first == "gzip" || fields.first == "*" else { return false }
            return !fields.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "") == "q=0" }
        }
    }
}

/// The one header the decision needs, so the helper is testable without a whole request.
struct HTTPFieldsAcceptEncoding {
    let acceptEncoding: String?
}

import Foundation
