import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small element tree built with Foundation's streaming parser, namespaces resolved, so readers can
/// match `{namespace}name` whatever prefixes a producer chose. Lines are kept for error messages.
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

    /// Parses a whole document. Streams from `InputStream` because `XMLParser(data:)` gives up on
    /// inputs of about 10 MB on Linux.
    public static func parse(_ data: Data) throws(IngestError) -> XMLNode {
        guard !data.isEmpty else { throw IngestError("the file is empty") }
        let parser = XMLParser(stream: InputStream(data: data))
        let builder = Builder()
        parser.delegate = builder
        parser.shouldProcessNamespaces = true
        let ok = parser.parse()
        if let root = builder.root, ok, builder.stack.isEmpty { return root }
        let line = builder.errorLine ?? parser.lineNumber
        let reason = builder.errorReason ?? parser.parserError.map { "\(($0 as NSError).localizedDescription)" } ?? "unexpected end of document"
        throw IngestError("not well-formed XML at line \(line): \(reason)" + (builder.stack.isEmpty ? "" : " (the file looks truncated: <\(builder.stack.last!.name)> is not closed)"))
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLNode?
        var stack: [XMLNode] = []
        var errorLine: Int?
        var errorReason: String?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let node = XMLNode(namespace: namespaceURI ?? "", name: name, attributes: attributes, line: parser.lineNumber)
            if let parent = stack.last { parent.children.append(node) } else if root == nil { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            stack.last?.text += String(decoding: block, as: UTF8.self)
        }

        func parser(_ parser: XMLParser, parseErrorOccurred error: any Error) {
            if errorLine == nil {
                errorLine = parser.lineNumber
                errorReason = (error as NSError).localizedDescription
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
