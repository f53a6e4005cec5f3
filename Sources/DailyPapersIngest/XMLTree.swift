import CLibXML2
import Foundation

/// A small element tree built with libxml2's streaming reader, namespaces resolved, so readers can match
/// `{namespace}name` whatever prefixes a producer chose. Lines are kept for error messages.
///
/// Why libxml2 directly: Foundation's XMLParser on Linux traps or dereferences NULL in its callbacks on
/// inputs the fuzzer built in seconds (`<\u{FF}o`, `<?F?>`), and the scheduled ingest runs inside `serve`.
public final class XMLNode: @unchecked Sendable {
    public let namespace: String
    public let name: String
    public let attributes: [String: String]
    public let line: Int
    public internal(set) var children: [XMLNode] = []
    public internal(set) var text = ""

    init(namespace: String, name: String, attributes: [String: String], line: Int) {
        self.namespace = namespace
        self.name = name
        self.attributes = attributes
        self.line = line
    }

    public func child(_ name: String, _ namespace: String? = nil) -> XMLNode? {
        children.first { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    public func all(_ name: String, _ namespace: String? = nil) -> [XMLNode] {
        children.filter { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    /// Trimmed text of a child, nil when absent or empty.
    public func value(_ name: String, _ namespace: String? = nil) -> String? {
        guard let t = child(name, namespace)?.text.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return t
    }

    public var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Parses a whole document: entities are not expanded (no external or recursive entity can be loaded
    /// or blown up), nothing is fetched from the network, CDATA is read as text.
    public static func parse(_ data: Data) throws(IngestError) -> XMLNode {
        guard !data.isEmpty else { throw IngestError("the file is empty") }
        // Every document we read is UTF-8, and XML allows no NUL: refused here with a plain message.
        if let bad = Self.firstInvalidByte(data) {
            throw IngestError("not well-formed XML: byte \(bad) is not UTF-8 text (or is a NUL)")
        }
        guard data.count < Int(Int32.max) else { throw IngestError("the file is larger than 2 GB") }
        let errors = ErrorSink()
        let result: XMLNode? = data.withUnsafeBytes { raw -> XMLNode? in
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_BIG_LINES.rawValue)
            guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self),
                  let reader = xmlReaderForMemory(base, Int32(raw.count), nil, "UTF-8", options) else { return nil }
            defer { xmlFreeTextReader(reader) }
            xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
                guard let context, let error else { return }
                Unmanaged<ErrorSink>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
            }, Unmanaged.passUnretained(errors).toOpaque())
            return build(reader, errors)
        }
        if let root = result, errors.reason == nil { return root }
        throw IngestError("not well-formed XML at line \(errors.line ?? 0): \(errors.reason ?? "unexpected end of document")")
    }

    /// Walks the reader's nodes into a tree; nil when the document ends early or does not parse.
    private static func build(_ reader: xmlTextReaderPtr, _ errors: ErrorSink) -> XMLNode? {
        var root: XMLNode?
        var stack: [XMLNode] = []
        func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
            pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) } ?? ""
        }
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            guard status == 1 else {
                if errors.reason == nil { errors.fail("the document ends or breaks here", line: Int(xmlTextReaderGetParserLineNumber(reader))) }
                return nil
            }
            switch Int(xmlTextReaderNodeType(reader)) {
            case Int(XML_READER_TYPE_ELEMENT.rawValue):
                let empty = xmlTextReaderIsEmptyElement(reader) == 1
                var attributes: [String: String] = [:]
                while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                    if xmlTextReaderIsNamespaceDecl(reader) == 1 { continue }
                    attributes[string(xmlTextReaderConstName(reader))] = string(xmlTextReaderConstValue(reader))
                }
                xmlTextReaderMoveToElement(reader)
                let node = XMLNode(namespace: string(xmlTextReaderConstNamespaceUri(reader)), name: string(xmlTextReaderConstLocalName(reader)),
                                   attributes: attributes, line: Int(xmlGetLineNo(xmlTextReaderCurrentNode(reader))))
                if let parent = stack.last { parent.children.append(node) } else if root == nil { root = node }
                if !empty { stack.append(node) }
            case Int(XML_READER_TYPE_END_ELEMENT.rawValue):
                _ = stack.popLast()
            case Int(XML_READER_TYPE_TEXT.rawValue), Int(XML_READER_TYPE_CDATA.rawValue),
                 Int(XML_READER_TYPE_WHITESPACE.rawValue), Int(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                stack.last?.text += string(xmlTextReaderConstValue(reader))
            default:
                break  // comments, processing instructions, entity references, the doctype
            }
        }
        guard stack.isEmpty else {
            errors.fail("unexpected end of document (the file looks truncated: <\(stack.last!.name)> is not closed)",
                        line: Int(xmlTextReaderGetParserLineNumber(reader)))
            return nil
        }
        return root
    }

    /// The first error libxml2 reports (its message, and the line).
    private final class ErrorSink {
        var reason: String?
        var line: Int?
        func record(_ error: xmlError) {
            guard reason == nil, error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let message = error.message.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines)
            fail(message ?? "error \(error.code)", line: Int(error.line))
        }
        func fail(_ reason: String, line: Int) {
            if self.reason == nil { self.reason = reason; self.line = line }
        }
    }

    /// The offset of the first byte that is not part of valid UTF-8 text, or of a NUL; nil when there is none.
    static func firstInvalidByte(_ data: Data) -> Int? {
        data.withUnsafeBytes { raw -> Int? in
            let bytes = raw.bindMemory(to: UInt8.self)
            if let nul = bytes.firstIndex(of: 0) { return nul }
            // Decoding reports where it stops being valid; the common all-valid case is one pass.
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            var offset = 0
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): offset += UTF8.width(scalar)
                case .emptyInput: return nil
                case .error: return offset
                }
            }
        }
    }
}

enum Namespaces {
    static let atom = "http://www.w3.org/2005/Atom"
    static let arxivAtom = "http://arxiv.org/schemas/atom"
    static let opensearch = "http://a9.com/-/spec/opensearch/1.1/"
    static let oai = "http://www.openarchives.org/OAI/2.0/"
    static let oaiArXiv = "http://arxiv.org/OAI/arXiv/"
    static let oaiArXivRaw = "http://arxiv.org/OAI/arXivRaw/"
    static let oaiDC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
    static let dc = "http://purl.org/dc/elements/1.1/"
}
