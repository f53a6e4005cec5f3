import DailyPapersCore
import Hummingbird

/// The fields of a submitted form, readable only after its CSRF token checked out: every
/// state-changing form goes through `read`, so none can forget the check.
///
/// Signed in, the token is the session's; before sign-in (log in, sign up, reset) it is the random
/// `dp_form` cookie echoed in the form (double submit). A request whose Origin names another site is
/// refused as well, whatever it carries.
struct FormInput {
    let fields: [String: String]

    static let maximumBytes = 64 * 1024

    static func read(_ request: Request, context: AppRequestContext) async throws -> FormInput {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw WebError.badRequest("Send the form as application/x-www-form-urlencoded.")
        }
        if let origin = request.headers[.origin], origin != "null" {
            let host = request.head.authority ?? ""
            let originHost = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
            guard originHost == host else { throw WebError.forbidden("This form was sent from another site and was refused.") }
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: maximumBytes) } catch {
            throw WebError.payloadTooLarge("The form is larger than \(maximumBytes / 1024) kB.")
        }
        let text = String(buffer: body)
        // No field takes a NUL (and PostgreSQL cannot compare text holding one).
        if NULRefusalMiddleware.holdsNUL(text) { throw WebError.badRequest("The form holds a NUL character (%00), which no field accepts.") }
        let fields = FormDecoding.pairs(text)
        let expected = context.session?.csrfToken ?? Cookies.value(context.cookies.formToken, in: request)
        guard let expected, let sent = fields["csrf"], Secrets.constantTimeEqual(sent, expected) else {
            throw WebError.forbidden("This form has expired or did not come from this site. Reload the page and try again.")
        }
        return FormInput(fields: fields)
    }

    /// A text field, trimmed, with control characters other than line breaks and tabs removed.
    /// Too long is an error naming the field; `nil` when absent or empty.
    func text(_ name: String, label: String, maxLength: Int, multiline: Bool = false) throws(FormError) -> String? {
        guard var value = fields[name] else { return nil }
        value = String(String.UnicodeScalarView(value.unicodeScalars.filter { s in
            if s == "\n" || s == "\t" { return multiline }
            return s.properties.generalCategory != .control
        })).replacingOccurrences(of: "\r\n", with: "\n")
        value = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.count <= maxLength else { throw FormError("\(label) must be at most \(maxLength) characters long (it has \(value.count)).") }
        return value.isEmpty ? nil : value
    }

    func required(_ name: String, label: String, maxLength: Int, multiline: Bool = false) throws(FormError) -> String {
        guard let value = try text(name, label: label, maxLength: maxLength, multiline: multiline) else {
            throw FormError("\(label) is required.")
        }
        return value
    }

    /// Passwords are taken exactly as typed (no trimming), within a hard size limit.
    func password(_ name: String) -> String { String((fields[name] ?? "").prefix(200)) }
}

/// A form field that fails its rule; pages show it above the form, which keeps what was typed.
struct FormError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
