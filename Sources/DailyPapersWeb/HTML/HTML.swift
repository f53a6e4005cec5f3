import DailyPapersCore
/// Writes HTML into one growing buffer. Text is escaped by default; `raw` is the one reviewed
/// exception and takes only markup written in this module, never user or imported data.
struct HTML {
    private(set) var output: String
    /// Where a page shared by all members leaves a place for one member's part (see `PageTemplate`):
    /// byte offsets into `output`, in order.
    private(set) var slots: [(offset: Int, slot: PersonalSlot)] = []

    init(capacity: Int = 16_384) {
        output = ""
        output.reserveCapacity(capacity)
    }

    /// Empties the buffer, keeping its storage (to write many small parts in turn).
    mutating func removeAll() {
        output.removeAll(keepingCapacity: true)
        slots.removeAll()
    }

    /// Leaves a place for a member's own part here; `PageTemplate` fills it per request.
    mutating func slot(_ slot: PersonalSlot) { slots.append((output.utf8.count, slot)) }

    /// Markup written by this module.
    mutating func raw(_ markup: String) { output += markup }

    /// Text content: `<`, `>`, `&` escaped (quotes too, so the same helper is safe in attributes).
    mutating func text(_ text: String) { HTML.escape(text, into: &output) }

    /// An attribute ` name="value"` with the value escaped.
    mutating func attr(_ name: String, _ value: String) {
        output += " "
        output += name
        output += "=\""
        HTML.escape(value, into: &output)
        output += "\""
    }

    /// `<tag attrs>text</tag>`
    mutating func element(_ tag: String, _ attributes: [(String, String)] = [], text: String) {
        open(tag, attributes)
        self.text(text)
        close(tag)
    }

    mutating func open(_ tag: String, _ attributes: [(String, String)] = []) {
        output += "<"
        output += tag
        for (name, value) in attributes { attr(name, value) }
        output += ">"
    }

    mutating func close(_ tag: String) {
        output += "</"
        output += tag
        output += ">"
    }

    static func escape(_ text: String, into out: inout String) {
        TextHelpers.appendHTMLEscaped(text, to: &out)
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }
}
