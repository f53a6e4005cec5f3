import Foundation

/// `/docs`: the API described for people, rendered from the same OpenAPI document tools read.
enum DocsPageView {
    static func render(openAPI: [String: Any], site: SiteInfo) -> String {
        Layout.page(site: site, title: "API", description: "The Daily Papers JSON API, compatible with Hugging Face's.",
                    canonical: Route.docs.path(), alternates: [("application/json", Route.openAPI.path())]) { h in
            h.element("article", class: "docs") { h in
                h.element("h1", text: "API")
                if let info = openAPI["info"] as? [String: Any], let text = info["description"] as? String { h.element("p", text: text) }
                h.element("p") { h in
                    h.text("Machine-readable: ")
                    h.link(Route.openAPI.path(), "/openapi.json")
                    h.text(" (OpenAPI 3.1). Feeds: see the links in each page's head.")
                }
                let paths = (openAPI["paths"] as? [String: Any]) ?? [:]
                for path in paths.keys.sorted() {
                    guard let get = (paths[path] as? [String: Any])?["get"] as? [String: Any] else { continue }
                    h.element("section") { h in operation(path, get, into: &h) }
                }
            }
        }
    }

    static func operation(_ path: String, _ get: [String: Any], into h: inout HTML) {
        h.element("h2", [("id", (get["operationId"] as? String) ?? path)]) { h in h.element("code", text: "GET " + path) }
        h.element("p", text: (get["summary"] as? String) ?? "")
        let parameters = (get["parameters"] as? [[String: Any]]) ?? []
        if !parameters.isEmpty {
            h.element("table") { h in
                h.element("thead") { h in
                    h.element("tr") { h in
                        for column in ["parameter", "in", "type", "description"] { h.element("th", [("scope", "col")], text: column) }
                    }
                }
                h.element("tbody") { h in
                    for p in parameters {
                        let schema = (p["schema"] as? [String: Any]) ?? [:]
                        var type = (schema["type"] as? String) ?? ""
                        if let values = schema["enum"] as? [String] { type += " (" + values.joined(separator: ", ") + ")" }
                        if let min = schema["minimum"], let max = schema["maximum"] { type += " \(min)–\(max)" }
                        h.element("tr") { h in
                            h.element("td", text: (p["name"] as? String ?? "") + ((p["required"] as? Bool) == true ? " (required)" : ""))
                            h.element("td", text: p["in"] as? String ?? "")
                            h.element("td", text: type)
                            h.element("td", text: p["description"] as? String ?? "")
                        }
                    }
                }
            }
        }
        let codes = ((get["responses"] as? [String: Any]) ?? [:]).keys.sorted()
        h.element("p", class: "meta", text: "Answers: " + codes.joined(separator: ", "))
    }
}
