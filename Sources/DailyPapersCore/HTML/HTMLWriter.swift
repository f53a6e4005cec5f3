/// Writes HTML into one growing buffer, for pages and mail alike. What is written through it cannot be
/// unbalanced: every element with content is written by `element(_:_:_:)`, which writes the end tag when
/// its closure returns; elements without content by `void` (HTML) or `empty` (SVG). Text and attribute
/// values are escaped. The only markup taken whole is a `Markup` value, made by a writer, by escaping, or by
/// the comment renderer. Tag-level writes are internal to this module, so no view can call them.
///
/// `Slot` is what a page leaves a place for (the web's member parts; `Never` where nothing is).
/// The methods are inlinable so that views in other modules get them specialised, not called generically.
public struct HTMLWriter<Slot> {
    @usableFromInline var buffer: String
    @usableFromInline var slotList: [(offset: Int, slot: Slot)] = []

    @inlinable public init(capacity: Int = 16_384) {
        buffer = ""
        buffer.reserveCapacity(capacity)
    }

    /// What was written.
    @inlinable public var output: String { buffer }
    /// Where places were left (`slot`): byte offsets into `output`, in order.
    @inlinable public var slots: [(offset: Int, slot: Slot)] { slotList }

    /// Empties the buffer, keeping its storage (to write many small parts in turn).
    @inlinable public mutating func removeAll() {
        buffer.removeAll(keepingCapacity: true)
        slotList.removeAll()
    }

    /// Leaves a place here, to be filled later (see the web's `PageTemplate`).
    @inlinable public mutating func slot(_ slot: Slot) { slotList.append((buffer.utf8.count, slot)) }

    @inlinable public mutating func doctype() { buffer += "<!doctype html>" }

    /// `<tag attributes>content</tag>`: the closure writes the content, the end tag follows it.
    @inlinable public mutating func element(_ tag: String, _ attributes: [(String, String)] = [],
                                            _ content: (inout HTMLWriter) -> Void) {
        start(tag, attributes)
        content(&self)
        end(tag)
    }

    /// `<tag class="…" attributes>content</tag>`
    @inlinable public mutating func element(_ tag: String, class name: String, _ attributes: [(String, String)] = [],
                                            _ content: (inout HTMLWriter) -> Void) {
        start(tag, [("class", name)] + attributes)
        content(&self)
        end(tag)
    }

    /// `<tag attributes>text</tag>`
    @inlinable public mutating func element(_ tag: String, _ attributes: [(String, String)] = [], text: String) {
        start(tag, attributes)
        self.text(text)
        end(tag)
    }

    /// `<tag class="…" attributes>text</tag>`
    @inlinable public mutating func element(_ tag: String, class name: String, _ attributes: [(String, String)] = [],
                                            text: String) {
        start(tag, [("class", name)] + attributes)
        self.text(text)
        end(tag)
    }

    /// `<a href="…">text</a>`
    @inlinable public mutating func link(_ href: String, _ text: String, _ attributes: [(String, String)] = []) {
        element("a", [("href", href)] + attributes, text: text)
    }

    /// An HTML element that has no content and no end tag (`<input>`, `<img>`, `<meta>`, `<link>`, `<br>`).
    @inlinable public mutating func void(_ tag: String, _ attributes: [(String, String)] = []) {
        assert(HTMLSyntax.voidElements.contains(tag), "<\(tag)> has an end tag: write it with element")
        start(tag, attributes)
    }

    /// An SVG element without content, closed in its start tag (`<path … />`).
    @inlinable public mutating func empty(_ tag: String, _ attributes: [(String, String)] = []) {
        buffer += "<"
        buffer += tag
        for (name, value) in attributes { attribute(name, value) }
        buffer += "/>"
    }

    /// Text content: `<`, `>`, `&` escaped (quotes too, so the same helper is safe in attributes).
    @inlinable public mutating func text(_ text: String) { TextHelpers.appendHTMLEscaped(text, to: &buffer) }

    /// Markup taken whole (see `Markup` for what can make one).
    @inlinable public mutating func markup(_ markup: Markup) { buffer += markup.html }

    public static func escaped(_ text: String) -> String { TextHelpers.htmlEscaped(text) }

    @inlinable mutating func start(_ tag: String, _ attributes: [(String, String)]) {
        buffer += "<"
        buffer += tag
        for (name, value) in attributes { attribute(name, value) }
        buffer += ">"
    }

    @inlinable mutating func end(_ tag: String) {
        buffer += "</"
        buffer += tag
        buffer += ">"
    }

    /// ` name="value"`, the value escaped; a boolean attribute given "" is written as its bare name.
    @inlinable mutating func attribute(_ name: String, _ value: String) {
        buffer += " "
        buffer += name
        if value.isEmpty, HTMLSyntax.booleanAttributes.contains(name) { return }
        buffer += "=\""
        TextHelpers.appendHTMLEscaped(value, to: &buffer)
        buffer += "\""
    }
}

/// What the writer needs to know of HTML's syntax.
public enum HTMLSyntax {
    public static let voidElements: Set<String> = ["input", "img", "meta", "link", "br", "hr", "source", "wbr"]
    /// Written as the bare name when given the empty string (`required`, not `required=""`).
    public static let booleanAttributes: Set<String> = ["required", "defer", "checked", "selected", "disabled", "open",
                                                        "hidden", "autofocus", "multiple", "readonly", "novalidate"]
}

/// Markup taken whole into a page. It can only be made balanced: by a writer (`fragment`), by escaping text,
/// or by the comment renderer (one pass that closes what it opens; its own tests and fuzz target).
public struct Markup: Sendable {
    /// The markup, to send (it can be read, never made from a string outside this module).
    public let html: String

    init(html: String) { self.html = html }

    /// Markup written by a writer, to be written many times over.
    public static func fragment(capacity: Int = 256, _ build: (inout HTMLWriter<Never>) -> Void) -> Markup {
        var h = HTMLWriter<Never>(capacity: capacity)
        build(&h)
        return Markup(html: h.output)
    }

    /// Text, escaped.
    public init(escaping text: String) { html = TextHelpers.htmlEscaped(text) }

    /// A comment's Markdown, rendered.
    public static func comment(_ body: String) -> Markup { Markup(html: CommentMarkdown.render(body)) }
}

/// Markup written once by a writer with holes in it, then written many times with the holes filled: a vote
/// button per card per request costs a few appends, not an element tree; a digest's frame is written once
/// around its papers. The holes are placed with `hole(i)` while the stencil is written from fixed data,
/// never from content.
public struct Stencil: Sendable {
    /// The markup between the holes: `pieces[i]` comes before hole `i`.
    public let pieces: [String]

    /// `build` writes the markup, putting `hole(i)` (as text or an attribute value) at hole `i`, in order.
    public init(holes: Int, _ build: (inout HTMLWriter<Never>, _ hole: (Int) -> String) -> Void) {
        var h = HTMLWriter<Never>(capacity: 1024)
        build(&h) { "\u{1}hole\($0)\u{1}" }
        var pieces: [String] = []
        var rest = Substring(h.output)
        for i in 0..<holes {
            guard let r = rest.range(of: "\u{1}hole\(i)\u{1}") else { preconditionFailure("stencil hole \(i) not written") }
            pieces.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        precondition(!rest.contains("\u{1}hole"), "stencil holes out of order")
        pieces.append(String(rest))
        self.pieces = pieces
    }

    /// The markup with hole `i` filled by `fills[i]`, into a writer.
    @inlinable public func write<S>(_ fills: [Markup], into out: inout HTMLWriter<S>) {
        write(fills) { out.buffer += $0 }
    }

    /// The markup with hole `i` filled by `fills[i]`, piece by piece (into bytes being sent).
    @inlinable public func write(_ fills: [Markup], to sink: (String) -> Void) {
        precondition(fills.count == pieces.count - 1)
        for i in fills.indices {
            sink(pieces[i])
            sink(fills[i].html)
        }
        sink(pieces[pieces.count - 1])
    }
}
