/// The page for 400 and 404 answers: says what was wrong and where to go instead.
enum ErrorPageView {
    static func render(status: Int, message: String, site: SiteInfo, path: String) -> String {
        let heading = status == 404 ? "Not found" : status == 400 ? "Bad request" : "Something went wrong"
        return Layout.page(site: site, title: heading, description: message, canonical: path) { h in
            h.element("section", class: "error") { h in
                h.element("h1", text: heading)
                h.element("p", text: message)
                h.element("p") { h in
                    h.text("Try ")
                    h.link(SiteRoute.home.path, "today's papers")
                    h.text(", or search:")
                }
                h.element("form", [("action", Route.search.path()), ("method", "get")]) { h in
                    h.element("label", [("for", "q404")], text: "Search papers")
                    h.text(" ")
                    h.void("input", [("id", "q404"), ("name", "q"), ("type", "search"), ("maxlength", "500")])
                    h.text(" ")
                    h.element("button", text: "Search")
                }
            }
        }
    }
}
