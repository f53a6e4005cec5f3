import HTTPTypes
import Hummingbird

/// Headers that keep pages from being framed, sniffed or leaking referrers. The pages load nothing
/// from other hosts and run no inline script, so the policy can be strict.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let strictTransportSecurity = HTTPField.Name("Strict-Transport-Security")!
    /// The site is served over https (its public URL says so): browsers are told to use nothing else.
    let https: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // A route may narrow the policy for itself (the digest preview); every other answer gets the strict one.
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.csp }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "strict-origin-when-cross-origin"
        if https { response.headers[Self.strictTransportSecurity] = "max-age=31536000" }
        if request.uri.path.hasPrefix("/api/") {
            // Tool authors call the API from browsers too, as they do huggingface.co's.
            response.headers[.accessControlAllowOrigin] = "*"
        }
        return response
    }
}
