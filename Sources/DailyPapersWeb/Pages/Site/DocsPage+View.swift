import Foundation

/// `/docs`: the API described for people, rendered from the same OpenAPI document tools read.
enum DocsPageView {
    static func render(openAPI: [String: Any], site: SiteInfo) -> String {
        Layout.page(site: site, title: "API", description: "The Daily Papers JSON API, compatible with Hugging Face's.",
                    canonical: Route.docs.path(), alternates: [("application/json", Route.openAPI.path())]) { h in
            h.raw("<article class=\"docs\"><h1>API</h1>")
            if let info = openAPI["info"] as? [String: Any], let text = info["description"] as? String { h.element("p", text: text) }
            h.raw("<p>Machine-readable: <a href=\"\(Route.openAPI.path())\">/openapi.json</a> (OpenAPI 3.1). Feeds: see the links in each page's head.</p>")
            let paths = (openAPI["paths"] as? [String: Any]) ?? [:]
            for path in paths.keys.sorted() {
                guard let get = (paths[path] as? [String: Any])?["get"] as? [String: Any] else { continue }
                h.raw("<section>")
                h.open("h2", [("id", (get["operationId"] as? String) ?? path)])
                h.raw("<code>GET ")
                h.text(path)
                h.raw("</code></h2>")
                h.element("p", text: (get["summary"] as? String) ?? "")
                let parameters = (get["parameters"] as? [[String: Any]]) ?? []
                if !parameters.isEmpty {
                    h.raw("<table><thead><tr><th scope=\"col\">parameter</th><th scope=\"col\">in</th><th scope=\"col\">type</th><th scope=\"col\">description</th></tr></thead><tbody>")
                    for p in parameters {
                        let schema = (p["schema"] as? [String: Any]) ?? [:]
                        var type = (schema["type"] as? String) ?? ""
                        if let values = schema["enum"] as? [String] { type += " (" + values.joined(separator: ", ") + ")" }
                        if let min = schema["minimum"], let max = schema["maximum"] { type += " \(min)–\(max)" }
                        h.raw("<tr>")
                        h.element("td", text: (p["name"] as? String ?? "") + ((p["required"] as? Bool) == true ? " (required)" : ""))
                        h.element("td", text: p["in"] as? String ?? "")
                        h.element("td", text: type)
                        h.element("td", text: p["description"] as? String ?? "")
                        h.raw("</tr>")
                    }
                    h.raw("</tbody></table>")
                }
                let codes = ((get["responses"] as? [String: Any]) ?? [:]).keys.sorted()
                h.element("p", [("class", "meta")], text: "Answers: " + codes.joined(separator: ", "))
                h.raw("</section>")
            }
            h.raw("</article>")
        }
    }
}
