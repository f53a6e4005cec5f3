import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import Hummingbird

/// A paper's own authors set its code repository and project page (issue 29, item 3): a member whose authorship
/// claim an admin confirmed, by a form (`/papers/{id}/links`) or by Hugging Face's `POST /api/papers/{id}/links`
/// with a read-and-write token (`{"githubRepo": ..., "projectPage": ...}`; null or "" clears one). Only http(s)
/// links are taken; each change is in the moderation log; imports leave the links alone afterwards.
struct AuthorLinksRoutes: Sendable {
    let community: Community
    var papers: PaperStore { community.papers }
    static let maximumLink = 500

    func register(on router: Router<AppRequestContext>) {
        for pattern in [Route.paperLinks.pattern, Route.oldStylePaperLinks.pattern] {
            router.get(pattern) { req, ctx in try await form(try Self.id(ctx), req, ctx) }
            router.post(pattern) { req, ctx in try await save(try Self.id(ctx), req, ctx) }
        }
        for pattern in [Route.apiPaperLinks.pattern, Route.apiOldStylePaperLinks.pattern] {
            router.post(pattern) { req, ctx in try await api(try Self.id(ctx), req) }
        }
    }

    static func id(_ ctx: AppRequestContext) throws -> ArxivID {
        try WebError.arxivID(try ctx.parameters.require("id") + (ctx.parameters.get("number").map { "/" + $0 } ?? ""))
    }

    /// A link as given, checked: empty means none; anything else an absolute http(s) URL of at most 500 bytes.
    static func link(_ text: String?, field: String) throws(WebError) -> String? {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        guard text.utf8.count <= maximumLink, let url = LinkFinder.webURL(text) else {
            throw WebError.badRequest("\(field): give an http:// or https:// address of at most \(maximumLink) characters, or nothing.")
        }
        return url
    }

    func form(_ id: ArxivID, _ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        guard let viewer = Viewer(ctx) else { throw WebError.signInRequired(returnTo: SiteRoute.paperLinks(id).path) }
        guard let record = try await papers.paper(id) else { throw WebError.notFound("Paper \(id.base) not found") }
        let mayEdit = try await papers.isConfirmedAuthor(userID: viewer.account.id, paper: id)
        return PageResponses.html(AuthorLinksPageView.render(record.paper, mayEdit: mayEdit, site: community.site, viewer: viewer))
    }

    func save(_ id: ArxivID, _ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let form = try await FormInput.read(req, context: ctx)
        guard let viewer = Viewer(ctx) else { throw WebError.signInRequired(returnTo: SiteRoute.paperLinks(id).path) }
        guard !viewer.account.isBanned else { throw WebError.forbidden("This account is banned.") }
        try community.limiter.check(.collect, account: viewer.account.username, ip: ctx.clientIP)
        try await set(id, code: try Self.link(form.fields["code"], field: "Code repository"),
                      projectPage: try Self.link(form.fields["project"], field: "Project page"), userID: viewer.account.id)
        return PageResponses.redirect(SiteRoute.paper(id).path + "?msg=links-saved")
    }

    func api(_ id: ArxivID, _ req: Request) async throws -> Response {
        let (account, _) = try await AccessTokenRoutes.authorized(req, tokens: community.accessTokens, write: true, toChange: "a paper's links")
        try community.limiter.check(.collect, account: account.username, ip: nil)
        let body = try await JSONBody.read(LinksBody.self, req, maximum: CollectionAPIRoutes.maximumBody)
        try await set(id, code: try Self.link(body.githubRepo, field: "githubRepo"),
                      projectPage: try Self.link(body.projectPage, field: "projectPage"), userID: account.id)
        guard let record = try await papers.paper(id) else { throw WebError.notFound("Paper \(id.base) not found") }
        return Responses.json(HFPaper(record.paper, featured: record.featured))
    }

    private func set(_ id: ArxivID, code: String?, projectPage: String?, userID: Int) async throws {
        do {
            try await papers.setLinks(paper: id, code: code, projectPage: projectPage, userID: userID)
        } catch PaperStore.LinksProblem.noPaper {
            throw WebError.notFound("Paper \(id.base) not found")
        } catch PaperStore.LinksProblem.notAnAuthor {
            throw WebError.forbidden("Only the paper's authors set its links: claim your authorship on the paper's page; once an admin confirms it, you can.")
        }
    }

    struct LinksBody: Decodable {
        let githubRepo: String?
        let projectPage: String?
    }
}

enum AuthorLinksPageView {
    static func render(_ p: Paper, mayEdit: Bool, site: SiteInfo, viewer: Viewer) -> String {
        Layout.page(site: site, title: "Links of \(p.title)", description: "The code and project links of a paper, set by its authors.",
                    canonical: SiteRoute.paperLinks(p.id).path, viewer: viewer) { h in
            h.element("section", class: "author-links") { h in
                h.element("h1", text: "Code and project links")
                h.element("p") { h in h.link(SiteRoute.paper(p.id).path, p.title) }
                guard mayEdit else {
                    h.element("p", text: "Only the paper's authors set its links. Claim your authorship on the paper's page; once an admin confirms it, you can set them here.")
                    return
                }
                h.postForm(SiteRoute.paperLinks(p.id).path, class: "stack", viewer: viewer) { h in
                    h.field("code", label: "Code repository", type: "url", value: p.githubRepo, maxLength: AuthorLinksRoutes.maximumLink,
                            required: false, hint: "https://github.com/owner/name, or another host; empty for none.")
                    h.field("project", label: "Project page", type: "url", value: p.projectPage, maxLength: AuthorLinksRoutes.maximumLink,
                            required: false, hint: "Empty for none.")
                    h.submit("Save links")
                }
                h.element("p", class: "note", text: "Changes are recorded in the moderation log. Stars of a GitHub repository appear within the day.")
            }
        }
    }
}
