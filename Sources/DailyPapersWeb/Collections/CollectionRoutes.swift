import DailyPapersCore
import DailyPapersStore
import Hummingbird

/// Saving papers and keeping collections, as pages and forms (the API's side is `CollectionAPIRoutes`). Each form
/// goes through `FormInput` (CSRF, same origin) and acts on the member's own collections only: another member's
/// slug is answered as one that does not exist.
struct CollectionRoutes: Sendable {
    let community: Community
    var collections: CollectionStore { community.collections }
    var site: SiteInfo { community.site }

    func register(on router: Router<AppRequestContext>) {
        router.post(Route.save.pattern) { req, ctx in try await save(req, ctx) }
        router.get(Route.collect.pattern) { req, ctx in try await collect(req, ctx) }
        router.get(Route.collections.pattern) { req, ctx in
            let viewer = try member(ctx, returnTo: Route.collections.path())
            let mine = try await collections.collections(userID: viewer.account.id)
            return PageResponses.html(CollectionPageView.list(mine, site: site, viewer: viewer,
                                                              notice: req.query["msg"].flatMap { Notices.text[$0] }))
        }
        router.post(Route.collections.pattern) { req, ctx in try await create(req, ctx) }
        router.get(Route.collection.pattern) { req, ctx in try await show(req, ctx) }
        router.post(Route.collectionEdit.pattern) { req, ctx in
            try await change(req, ctx) { viewer, slug, form in
                let made = try await collections.update(userID: viewer.account.id, slug: slug, name: form.fields["name"] ?? "",
                                                        description: form.fields["description"] ?? "", isPublic: form.fields["public"] == "1")
                return Route.collection.path(made.slug) + "?msg=collection-saved"
            }
        }
        router.post(Route.collectionDelete.pattern) { req, ctx in
            try await change(req, ctx) { viewer, slug, _ in
                try await collections.delete(userID: viewer.account.id, slug: slug)
                return Route.collections.path() + "?msg=collection-deleted"
            }
        }
        router.post(Route.collectionAdd.pattern) { req, ctx in
            try await change(req, ctx) { viewer, slug, form in
                try await collections.add(userID: viewer.account.id, slug: slug, paper: try WebError.arxivID(form.fields["paper"]),
                                          note: form.fields["note"] ?? "")
                return nil
            }
        }
        router.post(Route.collectionRemove.pattern) { req, ctx in
            try await change(req, ctx) { viewer, slug, form in
                try await collections.remove(userID: viewer.account.id, slug: slug, paper: try WebError.arxivID(form.fields["paper"]))
                return nil
            }
        }
        router.post(Route.collectionNote.pattern) { req, ctx in
            try await change(req, ctx) { viewer, slug, form in
                try await collections.setNote(userID: viewer.account.id, slug: slug, paper: try WebError.arxivID(form.fields["paper"]),
                                              note: form.fields["note"] ?? "")
                return nil
            }
        }
        router.post(Route.collectionMove.pattern) { req, ctx in
            try await change(req, ctx) { viewer, slug, form in
                guard let to = Int(form.fields["to"] ?? ""), (0...CollectionStore.papersPerCollection).contains(to) else {
                    throw WebError.badRequest("Say where to move the paper: to=0 for first.")
                }
                try await collections.move(userID: viewer.account.id, slug: slug, paper: try WebError.arxivID(form.fields["paper"]), to: to)
                return nil
            }
        }
    }

    func member(_ ctx: AppRequestContext, returnTo: String?) throws -> Viewer {
        guard let viewer = Viewer(ctx) else { throw WebError.signInRequired(returnTo: returnTo) }
        guard !viewer.account.isBanned else { throw WebError.forbidden("This account is banned.") }
        return viewer
    }

    /// Saves or unsaves one paper (any paper this site holds). Answers JSON to app.js, else sends the reader back.
    func save(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        guard ctx.session != nil else { throw WebError.signInRequired(returnTo: req.headers[.referer].flatMap(CommunityRoutes.path(ofReferer:))) }
        let form = try await FormInput.read(req, context: ctx)
        let viewer = try member(ctx, returnTo: nil)
        try community.limiter.check(.collect, account: viewer.account.username, ip: ctx.clientIP)
        let id = try WebError.arxivID(form.fields["paper"])
        let wanted: Bool
        switch form.fields["save"] {
        case "1": wanted = true
        case "0": wanted = false
        default: throw WebError.badRequest("save must be 1 (save) or 0 (remove from your saved papers).")
        }
        let result = try await Self.answering { try await collections.setSaved(userID: viewer.account.id, paper: id, saved: wanted) }
        if req.headers[.accept]?.hasPrefix("application/json") == true {
            return Responses.json(SaveAnswer(paper: id.base, saved: result.saved, changed: result.changed))
        }
        return PageResponses.redirect(back(req, form) ?? SiteRoute.paper(id).path)
    }

    struct SaveAnswer: Encodable { let paper: String; let saved: Bool; let changed: Bool }

    /// Where a form sends the reader back: its `next`, else the page it was sent from.
    func back(_ req: Request, _ form: FormInput) -> String? {
        PageResponses.localPath(form.fields["next"]) ?? req.headers[.referer].flatMap(CommunityRoutes.path(ofReferer:))
    }

    /// `/collect?paper=ID`: the member's collections, each with a button to add the paper or take it out, and a
    /// form for a new collection holding it.
    func collect(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let id = try WebError.arxivID(req.query["paper"])
        let viewer = try member(ctx, returnTo: Route.collect.path() + "?paper=" + SiteRoute.percentEncode(id.base))
        guard let record = try await community.papers.paper(id) else { throw WebError.notFound("No paper \(id.base) on this site.") }
        async let mine = collections.collections(userID: viewer.account.id)
        async let holding = collections.holding(userID: viewer.account.id, paper: id)
        return PageResponses.html(CollectionPageView.collect(record, collections: try await mine, holding: try await holding,
                                                             site: site, viewer: viewer))
    }

    func create(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let form = try await FormInput.read(req, context: ctx)
        let viewer = try member(ctx, returnTo: Route.collections.path())
        try community.limiter.check(.collect, account: viewer.account.username, ip: ctx.clientIP)
        let paper = try form.fields["paper"].flatMap { $0.isEmpty ? nil : $0 }.map { try WebError.arxivID($0) }
        let made = try await Self.answering {
            let made = try await collections.create(userID: viewer.account.id, name: form.fields["name"] ?? "",
                                                    description: form.fields["description"] ?? "", isPublic: form.fields["public"] == "1")
            if let paper { try await collections.add(userID: viewer.account.id, slug: made.slug, paper: paper, note: form.fields["note"] ?? "") }
            return made
        }
        return PageResponses.redirect(Route.collection.path(made.slug) + "?msg=collection-made")
    }

    /// A collection's page (public, or the member's own), or its papers as a citation file or Markdown by the
    /// suffix (`.bib`, `.ris`, `.csl.json`, `.md`). Private ones are not found by anyone else.
    func show(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let (slug, format) = PaperFormat.split(try ctx.parameters.require("slug"))
        let viewer = Viewer(ctx)
        guard let collection = try await collections.collection(slug: slug, viewerID: viewer?.account.id) else {
            throw WebError.notFound("There is no collection '\(String(slug.prefix(20)))' here, or it is private.")
        }
        if format != .page {
            // Up to a thousand papers a file, for anyone when public.
            try community.limiter.check(.ranking, account: viewer?.account.username, ip: ctx.clientIP)
            let items = try await collections.items(of: collection)
            var response = Responses.text(format.text(items.map(\.paper), site: site), contentType: format.contentType)
            // A private collection's file is its member's alone.
            response.headers[.cacheControl] = collection.isPublic ? "public, max-age=60" : "private, no-store"
            return response
        }
        // A page holds a hundred papers (a collection up to a thousand): a public collection's page stays cheap.
        let page = try DailyPapersParameters.integer(req.query, "p", default: 0,
                                                     range: 0...(CollectionStore.papersPerCollection / CollectionPageView.pageSize))
        let items = try await collections.items(of: collection, offset: page * CollectionPageView.pageSize, limit: CollectionPageView.pageSize)
        var personal = viewer
        if let v = viewer {
            personal?.saved = try await collections.savedPapers(userID: v.account.id, among: items.map(\.paper.paper.id.base))
            personal?.voted = try await community.votes.votedPapers(userID: v.account.id, among: items.map(\.paper.paper.id))
        }
        return PageResponses.html(CollectionPageView.render(collection, items: items, page: page, site: site, viewer: personal,
                                                            notice: req.query["msg"].flatMap { Notices.text[$0] }))
    }

    /// A form that changes one of the member's collections: read and checked, `body` acts, then the reader goes to
    /// the page `body` names, or back where they were (the collection's page by default).
    func change(_ req: Request, _ ctx: AppRequestContext,
                _ body: @Sendable (Viewer, String, FormInput) async throws -> String?) async throws -> Response {
        let slug = try ctx.parameters.require("slug")
        let form = try await FormInput.read(req, context: ctx)
        let viewer = try member(ctx, returnTo: Route.collection.path(slug))
        try community.limiter.check(.collect, account: viewer.account.username, ip: ctx.clientIP)
        let target = try await Self.answering { try await body(viewer, slug, form) }
        return PageResponses.redirect(target ?? back(req, form) ?? Route.collection.path(slug))
    }

    /// Runs a store call, its refusals turned into the web's answers (one message for each, here).
    static func answering<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let problem as CollectionStore.Problem { throw WebError.collection(problem) }
    }
}

extension WebError {
    /// What a collection's refusal says, to a page or a program.
    static func collection(_ problem: CollectionStore.Problem) -> WebError {
        switch problem {
        case .badName: .badRequest("Name the collection: one line of at most \(CollectionStore.nameLength) characters.")
        case .descriptionTooLong: .badRequest("A description is at most \(CollectionStore.descriptionLength) characters.")
        case .noteTooLong: .badRequest("A note is at most \(CollectionStore.noteLength) characters.")
        case .tooManyCollections: .badRequest("You have \(CollectionStore.perMember) collections, the most a member may keep: delete one first.")
        case .collectionFull: .badRequest("A collection holds at most \(CollectionStore.papersPerCollection) papers.")
        case .noPaper: .notFound("That paper is not on this site (or not in this collection).")
        case .noCollection: .notFound("You have no such collection.")
        case .savedCannotBeDeleted: .badRequest("Your saved papers stay a collection: remove papers from it instead.")
        }
    }
}
