import Hummingbird
import Logging

/// Turns refusals into answers a person or a program can act on: JSON `{"error": ...}` under /api,
/// an HTML page elsewhere. Unexpected errors are logged in full and answered without internals.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let site: SiteInfo

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as WebError {
            if let detail = error.detail {
                context.logger.notice("request refused", metadata: ["path": "\(request.uri.path)", "error": "\(error.message)", "detail": "\(detail)"])
            }
            switch error.status {
            case .unauthorized:
                // The API answers a program (a bearer token missing or dead); pages send a person to log in.
                if request.uri.path.hasPrefix("/api/") {
                    var response = Responses.json(APIError(error: error.message), status: .unauthorized)
                    response.headers[.wwwAuthenticate] = "Bearer"
                    return response
                }
                if wantsJSON(request) || Self.isForPrograms(request.uri.path) {
                    return Responses.json(APIError(error: error.message), status: .unauthorized)
                }
                let next = PageResponses.localPath(error.returnTo).map { "?next=" + SiteRoute.percentEncode($0) } ?? ""
                return PageResponses.redirect(Route.login.path() + next)
            case .tooManyRequests:
                // A plain answer: whoever is hammering gets no page to render, and scripts read it easily.
                var response = wantsJSON(request) ? Responses.json(APIError(error: error.message), status: .tooManyRequests)
                    : Responses.text(error.message + "\n", contentType: "text/plain; charset=utf-8", status: .tooManyRequests)
                response.headers[.retryAfter] = String(error.retryAfter ?? 1)
                return response
            default:
                return respond(error.status, error.message, request)
            }
        } catch let error as HTTPError where error.status == .notFound {
            return respond(.notFound, "There is no page at \(request.uri.path).", request)
        } catch let error as HTTPError {
            return respond(error.status, error.body ?? error.status.reasonPhrase, request)
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return respond(.internalServerError, "The server could not answer this request; the error was logged.", request)
        }
    }

    /// The upvote script asks for JSON; its errors come back as JSON too.
    func wantsJSON(_ request: Request) -> Bool {
        request.headers[.accept]?.hasPrefix("application/json") == true
    }

    /// Paths only programs read: the API, the fediverse's (ActivityPub, WebFinger) and the assistants'.
    static func isForPrograms(_ path: String) -> Bool {
        path.hasPrefix("/api/") || path == "/api" || path.hasPrefix("/ap/") || path.hasPrefix("/.well-known/") || path == "/mcp"
    }

    func respond(_ status: HTTPResponse.Status, _ message: String, _ request: Request) -> Response {
        if Self.isForPrograms(request.uri.path) || wantsJSON(request) {
            return Responses.json(APIError(error: message), status: status)
        }
        if request.uri.path.hasSuffix(".md") {
            return Responses.text(message + "\n", contentType: "text/plain; charset=utf-8", status: status)
        }
        let html = ErrorPageView.render(status: Int(status.code), message: message, site: site, path: request.uri.path)
        return Responses.text(html, contentType: "text/html; charset=utf-8", status: status)
    }
}
