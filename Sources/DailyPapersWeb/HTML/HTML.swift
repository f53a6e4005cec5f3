import DailyPapersCore
import NIOCore

/// A page being written: the core's writer (see `HTMLWriter`), leaving places for one member's parts.
typealias HTML = HTMLWriter<PersonalSlot>

extension Stencil {
    /// The markup with hole `i` filled by `fills[i]`, into the bytes of a member's page being filled.
    func write(_ fills: [Markup], into out: inout ByteBuffer) {
        write(fills) { out.writeString($0) }
    }
}
