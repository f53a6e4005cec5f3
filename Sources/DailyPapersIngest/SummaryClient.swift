import AsyncHTTPClient
import DailyPapersCore
import Foundation
import Logging
import NIOCore

/// Asks an OpenAI-compatible chat-completions API (OpenAI's, or a local server's such as llama.cpp, vLLM or
/// Ollama at `/v1`) for a one-paragraph summary of a paper from its title and abstract. One request, a bounded
/// answer (`max_tokens`), a timeout; no retries here (the job tries a paper again later). The answer is data
/// from elsewhere: checked, trimmed and cut before anyone sees it.
public struct SummaryClient: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    let endpoint: String
    let model: String
    let key: String?
    let timeout: Duration
    public static let maxTokens = 200
    /// The most of an abstract sent (abstracts are at most about 1,900 characters on arXiv; imports may hold more).
    public static let maximumAbstract = 6_000
    /// The most of an answer kept.
    public static let maximumSummary = 1_200

    /// - Parameter base: the API's base URL, e.g. `https://api.openai.com/v1`; `/chat/completions` is appended.
    public init(base: String, model: String, key: String?, timeout: Duration = .seconds(60)) {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        self.endpoint = base + "/chat/completions"
        self.model = model
        self.key = key.flatMap { $0.isEmpty ? nil : $0 }
        self.timeout = timeout
    }

    public func summarise(title: String, abstract: String) async throws -> String {
        let body: [String: Any] = [
            "model": model,
            "max_tokens": Self.maxTokens,
            "temperature": 0.2,
            "messages": [
                ["role": "system", "content": "You summarise research papers for a daily reading list. Answer with one plain-text paragraph of two or three sentences: what the paper does and what it finds. No preamble, no markdown, no lists."],
                ["role": "user", "content": "Title: \(TextHelpers.unwrap(title))\n\nAbstract: \(String(TextHelpers.unwrap(abstract).prefix(Self.maximumAbstract)))"],
            ],
        ]
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "DailyPapers/1.0 summaries")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await HTTPClient.shared.execute(request, timeout: .init(timeout))
        // A chat completion of 200 tokens is a few KiB; far more is not an answer to this request.
        let bytes = try await response.body.collect(upTo: 256 * 1024)
        guard response.status.code == 200 else { throw Failure(reason: "HTTP \(response.status.code) from \(endpoint)") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any],
              let choices = object["choices"] as? [[String: Any]], let message = choices.first?["message"] as? [String: Any],
              let content = message["content"] as? String else {
            throw Failure(reason: "the answer from \(endpoint) is not a chat completion")
        }
        guard let summary = Self.cleaned(content) else { throw Failure(reason: "the answer from \(endpoint) holds no summary") }
        return summary
    }

    /// One paragraph of plain text: controls and line breaks folded to spaces, markdown emphasis markers dropped,
    /// at most `maximumSummary` characters cut at a sentence or word; nil when nothing is left.
    static func cleaned(_ text: String) -> String? {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format || scalar == "\u{2028}" || scalar == "\u{2029}" {
                out.unicodeScalars.append(" ")
            } else if scalar != "*" && scalar != "#" && scalar != "`" {
                out.unicodeScalars.append(scalar)
            }
        }
        out = TextHelpers.unwrap(out).trimmingCharacters(in: .whitespaces)
        guard out.count >= 20 else { return nil }
        guard out.count > maximumSummary else { return out }
        let head = out.prefix(maximumSummary)
        if let stop = head.range(of: ". ", options: .backwards), head.distance(from: head.startIndex, to: stop.lowerBound) > maximumSummary / 2 {
            return String(head[..<stop.lowerBound]) + "."
        }
        return TextHelpers.excerpt(out, limit: maximumSummary)
    }
}
