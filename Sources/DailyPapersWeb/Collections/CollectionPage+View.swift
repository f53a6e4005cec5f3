import DailyPapersCore
import DailyPapersStore

/// The pages of saved papers and collections: the member's list, one collection (its papers with their notes; for
/// its member, the forms that arrange it), and the page that adds one paper to collections. Every one is rendered
/// per request: it is one member's, or a public collection that changes whenever its member edits it.
enum CollectionPageView {
    /// `/collections`: the member's collections, and a form for a new one.
    static func list(_ collections: [CollectionStore.Collection], site: SiteInfo, viewer: Viewer, notice: String?) -> String {
        Layout.page(site: site, title: "Your collections", description: "Your saved papers and collections.",
                    canonical: Route.collections.path(), viewer: viewer) { h in
            h.element("section", class: "collections") { h in
                h.element("h1", text: "Your collections")
                h.notice(notice)
                if collections.isEmpty {
                    h.element("p", class: "muted", text: "Nothing saved yet: the ☆ Save button beside a paper keeps it here.")
                }
                h.element("ul", class: "collection-list") { h in
                    for c in collections { h.element("li") { h in summary(c, into: &h) } }
                }
                newCollectionForm(paper: nil, viewer: viewer, into: &h)
            }
        }
    }

    static func summary(_ c: CollectionStore.Collection, into h: inout HTML) {
        h.link(Route.collection.path(c.slug), c.name)
        h.element("span", class: "muted", text: " · \(c.paperCount) paper\(c.paperCount == 1 ? "" : "s") · " + (c.isPublic ? "public" : "private"))
    }

    static func newCollectionForm(paper: ArxivID?, viewer: Viewer, into h: inout HTML) {
        h.section("new-collection", paper == nil ? "New collection" : "In a new collection") { h in
            h.postForm(Route.collections.path(), class: "stack", viewer: viewer) { h in
                if let paper { h.hidden("paper", paper.base) }
                h.field("name", label: "Name", maxLength: CollectionStore.nameLength)
                h.field("description", label: "Description", maxLength: CollectionStore.descriptionLength, required: false)
                if paper != nil { h.field("note", label: "Note on this paper", maxLength: CollectionStore.noteLength, required: false) }
                publicBox(false, into: &h)
                h.submit("Make the collection")
            }
        }
    }

    static func publicBox(_ on: Bool, into h: inout HTML) {
        h.element("p", class: "field") { h in
            h.element("label") { h in
                h.void("input", [("type", "checkbox"), ("name", "public"), ("value", "1")] + (on ? [("checked", "")] : []))
                h.text(" Public: anyone with the link sees it, it is on your profile, and it has a feed")
            }
        }
    }

    /// `/collect?paper=`: the paper, and for each of the member's collections a button to add it or take it out.
    static func collect(_ record: PaperRecord, collections: [CollectionStore.Collection], holding: Set<String>, site: SiteInfo,
                        viewer: Viewer) -> String {
        let p = record.paper
        let back = SiteRoute.paper(p.id).path
        return Layout.page(site: site, title: "Add to a collection: \(p.title)", description: "Keep \(p.id.base) in your collections.",
                           canonical: Route.collect.path(), viewer: viewer) { h in
            h.element("section", class: "collect") { h in
                h.element("h1", text: "Add to a collection")
                h.element("p") { h in h.link(back, p.title) }
                h.element("ul", class: "collection-list") { h in
                    for c in collections {
                        h.element("li") { h in
                            summary(c, into: &h)
                            if holding.contains(c.slug) {
                                h.postForm(Route.collectionRemove.path(c.slug), class: "inline", viewer: viewer) { h in
                                    h.hidden("paper", p.id.base)
                                    h.hidden("next", Route.collect.path() + "?paper=" + SiteRoute.percentEncode(p.id.base))
                                    h.submit("Take out", class: "link")
                                }
                            } else {
                                h.postForm(Route.collectionAdd.path(c.slug), class: "inline", viewer: viewer) { h in
                                    h.hidden("paper", p.id.base)
                                    h.hidden("next", Route.collect.path() + "?paper=" + SiteRoute.percentEncode(p.id.base))
                                    h.void("input", [("type", "text"), ("name", "note"), ("maxlength", String(CollectionStore.noteLength)),
                                                     ("placeholder", "Note (optional)"), ("aria-label", "Note for \(c.name)")])
                                    h.submit("Add")
                                }
                            }
                        }
                    }
                }
                newCollectionForm(paper: p.id, viewer: viewer, into: &h)
            }
        }
    }

    /// `/collections/{slug}`: the collection's papers in its order, each with its note; its member also gets the
    /// forms to rename it, make it public or private, note, move and take out papers, and delete it.
    static let pageSize = 100

    static func render(_ c: CollectionStore.Collection, items: [CollectionStore.Item], page: Int = 0, site: SiteInfo, viewer: Viewer?,
                       notice: String?) -> String {
        let own = viewer?.account.id == c.ownerID
        let path = Route.collection.path(c.slug)
        let feeds: [(type: String, href: String)] = c.isPublic ? [("application/atom+xml", Route.collectionFeed.path(c.slug + ".atom"))] : []
        return Layout.page(site: site, title: "\(c.name) (@\(c.owner))", description: c.description.isEmpty ? "A collection of \(c.paperCount) papers by @\(c.owner)." : c.description,
                           canonical: path, alternates: feeds, viewer: viewer) { h in
            h.element("section", class: "collection") { h in
                h.element("h1", text: c.name)
                h.notice(notice)
                h.element("p", class: "muted") { h in
                    h.text("By ")
                    h.link(SiteRoute.user(c.owner).path, "@" + c.owner)
                    h.text(" · \(c.paperCount) paper\(c.paperCount == 1 ? "" : "s") · " + (c.isPublic ? "public" : "private, only you see it"))
                }
                if !c.description.isEmpty { h.element("p", class: "description", text: c.description) }
                h.element("p", class: "links") { h in
                    h.text("Export: ")
                    for format in [PaperFormat.bibtex, .ris, .cslJSON, .markdown] {
                        h.link(path + format.suffix, format.label)
                        h.text(" ")
                    }
                    if c.isPublic {
                        h.text(" · Feed: ")
                        for format in FeedFormat.allCases {
                            h.link(Route.collectionFeed.path(c.slug + "." + format.rawValue), format.rawValue.uppercased())
                            h.text(" ")
                        }
                    }
                }
                if items.isEmpty { h.element("p", class: "muted", text: "No papers in this collection yet.") }
                h.element("ol", class: "collection-papers", [("start", String(page * pageSize + 1))]) { h in
                    for (place, item) in items.enumerated() {
                        h.element("li") { h in
                            PaperCardView.render(item.paper, snippet: nil, viewer: viewer, into: &h)
                            if !item.note.isEmpty, !own { h.element("p", class: "note", text: item.note) }
                            if own, let viewer { itemForms(c, item, index: page * pageSize + place, count: c.paperCount, viewer: viewer, into: &h) }
                        }
                    }
                }
                if c.paperCount > pageSize {
                    h.element("nav", class: "pager", [("aria-label", "Pages")]) { h in
                        if page > 0 { h.link(path + (page == 1 ? "" : "?p=\(page - 1)"), "← Previous") }
                        h.text(" ")
                        if (page + 1) * pageSize < c.paperCount { h.link(path + "?p=\(page + 1)", "Next →") }
                    }
                }
                if own, let viewer { settings(c, viewer: viewer, into: &h) }
            }
        }
    }

    static func itemForms(_ c: CollectionStore.Collection, _ item: CollectionStore.Item, index: Int, count: Int, viewer: Viewer,
                          into h: inout HTML) {
        let paper = item.paper.paper.id.base
        h.element("div", class: "item-actions") { h in
            h.postForm(Route.collectionNote.path(c.slug), class: "inline note-form", viewer: viewer) { h in
                h.hidden("paper", paper)
                h.void("input", [("type", "text"), ("name", "note"), ("value", item.note), ("maxlength", String(CollectionStore.noteLength)),
                                 ("placeholder", "Note"), ("aria-label", "Note on \(paper)")])
                h.submit("Save note", class: "link")
            }
            for (label, to) in [("Move up", index - 1), ("Move down", index + 1)] where to >= 0 && to < count {
                h.postForm(Route.collectionMove.path(c.slug), class: "inline", viewer: viewer) { h in
                    h.hidden("paper", paper)
                    h.hidden("to", String(to))
                    h.submit(label, class: "link")
                }
            }
            h.postForm(Route.collectionRemove.path(c.slug), class: "inline", viewer: viewer) { h in
                h.hidden("paper", paper)
                h.submit("Take out", class: "link")
            }
        }
    }

    static func settings(_ c: CollectionStore.Collection, viewer: Viewer, into h: inout HTML) {
        h.section("collection-settings", "Collection settings") { h in
            h.postForm(Route.collectionEdit.path(c.slug), class: "stack", viewer: viewer) { h in
                h.field("name", label: "Name", value: c.name, maxLength: CollectionStore.nameLength)
                h.field("description", label: "Description", value: c.description, maxLength: CollectionStore.descriptionLength, required: false)
                publicBox(c.isPublic, into: &h)
                h.submit("Save")
            }
            if !c.isSaved {
                h.postForm(Route.collectionDelete.path(c.slug), class: "stack", viewer: viewer) { h in
                    h.submit("Delete this collection", class: "danger")
                }
            }
        }
    }
}
