import DailyPapersCore
import HTTPTypes

/// Every refusal the web layer answers with, in one type: the status, the message the visitor or program
/// reads, and what only the log should see. `ErrorMiddleware` turns it into JSON under /api and for
/// scripts, plain text for Markdown and throttled clients, a page elsewhere.
struct WebError: Error, CustomStringConvertible {
    let status: HTTPResponse.Status
    /// Shown to whoever asked: says what was wrong and what to do, never internals.
    let message: String
    /// Logged, never shown.
    var detail: String? = nil
    /// 429: seconds before trying again (sent as Retry-After).
    var retryAfter: Int? = nil
    /// 401: the page to come back to after logging in (pages redirect to the log-in form).
    var returnTo: String? = nil

    var description: String { "\(status.code) \(message)" + (detail.map { " (\($0))" } ?? "") }

    /// 400: the request cannot be answered as sent; the message says how to fix it.
    static func badRequest(_ message: String) -> WebError { WebError(status: .badRequest, message: message) }
    /// 404, with a reason.
    static func notFound(_ message: String) -> WebError { WebError(status: .notFound, message: message) }
    /// 403: understood and refused (CSRF, permissions, bans).
    static func forbidden(_ message: String) -> WebError { WebError(status: .forbidden, message: message) }
    /// 413
    static func payloadTooLarge(_ message: String) -> WebError { WebError(status: .contentTooLarge, message: message) }
    /// 429 with Retry-After.
    static func tooManyRequests(_ message: String, retryAfter: Int) -> WebError {
        WebError(status: .tooManyRequests, message: message, retryAfter: retryAfter)
    }
    /// 401 for scripts; pages redirect to the log-in form, coming back to `returnTo`.
    static func signInRequired(returnTo: String?) -> WebError {
        WebError(status: .unauthorized, message: "Log in to do this.", returnTo: returnTo)
    }
}

extension WebError {
    /// An arXiv id (or abs/pdf URL) from a path segment or a form field, or a 400 with one message wherever
    /// it is asked for. At most 200 characters are looked at; the message quotes at most 60.
    static func arxivID(_ text: String?) throws(WebError) -> ArxivID {
        guard let text, text.utf8.count <= 200, let id = ArxivID(parsing: text) else {
            throw .badRequest("'\(String((text ?? "").prefix(60)))' is not an arXiv id or URL; "
                              + "ids look like 2412.01981, 2412.01981v2 or hep-th/9901001.")
        }
        return id
    }
}
