import DailyPapersCore
import NIOCore

/// A page rendered once for every member, with a slot wherever one member's part goes. A member's page is
/// the template's bytes with each slot filled for that member: the shared part (paper cards, comments,
/// Markdown) is rendered once per change instead of once per request, and what is personal (the header,
/// the form token, vote buttons, edit links) is a few small pieces rendered per request.
///
/// Slots are offsets recorded by the builder as the view writes (`HTML.slot`), never markers searched for
/// in the text: no paper title or comment can make a slot, so no content can pull a member's token or name
/// into a place of its choosing.
struct PageTemplate: Sendable {
    /// The shared bytes; slot `i` sits at `offsets[i]`.
    let bytes: ByteBuffer
    let offsets: [Int]
    let slots: [PersonalSlot]
    /// The papers whose vote or save buttons are slots, in page order: what a member's state is read for.
    let votePapers: [ArxivID]

    init(_ document: HTML) {
        bytes = ByteBuffer(string: document.output)
        offsets = document.slots.map(\.offset)
        slots = document.slots.map(\.slot)
        var seen = Set<String>()
        votePapers = slots.compactMap { slot -> ArxivID? in
            switch slot {
            case .vote(let paper, _), .save(let paper): seen.insert(paper.base).inserted ? paper : nil
            default: nil
            }
        }
    }

    /// Memory held, for the cache's budget (slot payloads are small next to the page, comments aside).
    var byteCount: Int {
        bytes.readableBytes + slots.reduce(0) { total, slot in
            if case .ownComment(let c) = slot { return total + 64 + c.body.utf8.count }
            return total + 48
        }
    }

    /// The page for one member: `fill` writes each slot's part.
    func render(_ fill: (PersonalSlot, inout ByteBuffer) -> Void) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(bytes.readableBytes + slots.count * 640)
        var start = 0
        bytes.withUnsafeReadableBytes { shared in
            for i in slots.indices {
                let offset = offsets[i]
                out.writeBytes(UnsafeRawBufferPointer(rebasing: shared[start..<offset]))
                fill(slots[i], &out)
                start = offset
            }
            out.writeBytes(UnsafeRawBufferPointer(rebasing: shared[start...]))
        }
        return out
    }
}
