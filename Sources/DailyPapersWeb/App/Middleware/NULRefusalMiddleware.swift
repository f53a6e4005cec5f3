import Hummingbird

/// Refuses a request whose path or query holds a NUL (`%00`) with a plain 400. No field of the site takes
/// one, and PostgreSQL cannot even compare text holding one: left alone, it reached the database as a 500
/// (found by the hostile suite's PostgreSQL pass). Form bodies are checked where they are read (FormInput).
struct NULRefusalMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.holdsNUL(request.uri.description) {
            throw WebError.badRequest("The address holds a NUL character (%00), which nothing on this site accepts.")
        }
        return try await next(request, context)
    }

    /// `%00` in any case of escaping, or a raw NUL.
    static func holdsNUL(_ text: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        var state = 0  // 1: after `%`, 2: after `%0`
        while let b = bytes.next() {
            switch (state, b) {
            case (_, 0): return true
            case (_, UInt8(ascii: "%")): state = 1
            case (1, UInt8(ascii: "0")): state = 2
            case (2, UInt8(ascii: "0")): return true
            default: state = 0
            }
        }
        return false
    }
}
