/// The page for 400 and 404 answers: says what was wrong and where to go instead.
enum ErrorPageView {
    static func render(status: Int, message: String, site: SiteInfo, path: String) -> String {
        let heading = status == 404 ? "Not found" : status == 400 ? "Bad request" : "Something went wrong"
        return Layout.page(site: site, title: heading, description: message, canonical: path) { h in
            h.raw("<section class=\"error\">")
            h.element("h1", text: heading)
            h.element("p", text: message)
            h.raw("<p>Try <a href=\"/\">today's papers</a>, or search:</p>")
            h.raw("<form action=\"\(Route.search.path())\" method=\"get\"><label for=\"q404\">Search papers</label> ")
            h.raw("<input id=\"q404\" name=\"q\" type=\"search\" maxlength=\"500\"> <button>Search</button></form>")
            h.raw("</section>")
        }
    }
}
