import HTTPTypes
import Hummingbird

/// Responses for personal pages and form posts: never cached by anyone, redirects as 303 (post, then get).
enum PageResponses {
    static func html(_ text: String, status: HTTPResponse.Status = .ok, cookies: [String] = []) -> Response {
        var response = Responses.text(text, contentType: "text/html; charset=utf-8", status: status)
        response.headers[.cacheControl] = "private, no-store"
        for c in cookies { response.headers.append(HTTPField(name: .setCookie, value: c)) }
        return response
    }

    /// A page for one member: never stored by a shared cache.
    static func html(_ body: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "private, no-store"],
                 body: .init(byteBuffer: body))
    }

    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "private, no-store"])
        for c in cookies { response.headers.append(HTTPField(name: .setCookie, value: c)) }
        return response
    }

    /// Only paths on this site: `/x`, never `//host` or `https://...`, so `next=` cannot send readers elsewhere.
    static func localPath(_ candidate: String?) -> String? {
        guard let c = candidate, c.hasPrefix("/"), !c.hasPrefix("//"), !c.hasPrefix("/\\"), c.count <= 500,
              !c.contains(where: { $0.isWhitespace || $0 == "\\" }) else { return nil }
        return c
    }

    /// The page a mailed link opens (`?token=`): one button that POSTs the token to `action` with the form's
    /// CSRF token, so that following a link changes nothing by itself.
    static func linkConfirmation(_ request: Request, _ context: AppRequestContext, site: SiteInfo, secure: Bool, title: String,
                                 explanation: String, action: String, button: String) -> Response {
        let (token, cookie) = formToken(request, secure: secure)
        return html(AccountPagesView.confirmLink(site: site, title: title, explanation: explanation, action: action,
                                                 token: String((request.query["token"] ?? "").prefix(100)),
                                                 formToken: context.session?.csrfToken ?? token, button: button, viewer: Viewer(context)),
                    cookies: cookie)
    }

    /// The pre-sign-in form token: the reader's `dp_form` cookie, or a new one to set with this response.
    static func formToken(_ request: Request, secure: Bool) -> (token: String, cookie: [String]) {
        let cookies = Cookies(secure: secure)
        if let existing = Cookies.value(cookies.formToken, in: request), existing.utf8.count == 43 { return (existing, []) }
        let token = Secrets.token()
        return (token, [cookies.set(cookies.formToken, token, maxAge: nil)])
    }
}
