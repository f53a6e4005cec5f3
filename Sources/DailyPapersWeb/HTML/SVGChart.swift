import Foundation

/// Charts as inline SVG written on the server: no script, no remote library, readable by screen readers
/// through a title and a text alternative.
enum SVGChart {
    static func fmt(_ x: Double) -> String { String(format: "%.1f", x) }

    /// A small line of values over time. `points` are (x, y) in any units, x increasing.
    static func sparkline(_ points: [(Double, Double)], width: Int = 240, height: Int = 48, label: String) -> String {
        guard let minX = points.map(\.0).min(), let maxX = points.map(\.0).max() else { return "" }
        let maxY = max(points.map(\.1).max() ?? 1, 1)
        let spanX = max(maxX - minX, 1)
        let pad = 3.0
        let coords = points.map { p -> String in
            let x = pad + (p.0 - minX) / spanX * (Double(width) - 2 * pad)
            let y = Double(height) - pad - p.1 / maxY * (Double(height) - 2 * pad)
            return "\(fmt(x)),\(fmt(y))"
        }
        var svg = "<svg class=\"spark\" role=\"img\" aria-label=\"\(HTML.escaped(label))\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">"
        svg += "<title>\(HTML.escaped(label))</title>"
        svg += "<polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" points=\"\(coords.joined(separator: " "))\"/>"
        if let last = coords.last { let xy = last.split(separator: ","); svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"currentColor\"/>" }
        return svg + "</svg>"
    }

    /// Vertical bars with a label under the first, middle and last.
    static func bars(_ values: [(String, Int)], width: Int = 720, height: Int = 200, label: String) -> String {
        guard !values.isEmpty else { return "<p class=\"empty\">No data yet.</p>" }
        let maxV = Double(max(values.map(\.1).max() ?? 1, 1))
        let chartH = Double(height - 24)
        let step = Double(width) / Double(values.count)
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTML.escaped(label))\" viewBox=\"0 0 \(width) \(height)\" preserveAspectRatio=\"none\">"
        svg += "<title>\(HTML.escaped(label))</title>"
        for (i, (name, v)) in values.enumerated() {
            let h = Double(v) / maxV * (chartH - 4)
            svg += "<rect x=\"\(fmt(Double(i) * step + 1))\" y=\"\(fmt(chartH - h))\" width=\"\(fmt(max(step - 2, 1)))\" height=\"\(fmt(h))\"><title>\(HTML.escaped(name)): \(v)</title></rect>"
        }
        for i in Set([0, values.count / 2, values.count - 1]).sorted() {
            let anchor = i == 0 ? "start" : i == values.count - 1 ? "end" : "middle"
            svg += "<text x=\"\(fmt(Double(i) * step + (anchor == "start" ? 0 : anchor == "end" ? step : step / 2)))\" y=\"\(height - 6)\" text-anchor=\"\(anchor)\">\(HTML.escaped(values[i].0))</text>"
        }
        return svg + "</svg>"
    }

    /// Two lines over the same x axis, with a legend.
    static func lines(_ labels: [String], _ series: [(name: String, values: [Int], cssClass: String)],
                      width: Int = 720, height: Int = 200, label: String) -> String {
        guard labels.count > 1 else { return "<p class=\"empty\">Not enough weeks yet.</p>" }
        let maxV = Double(max(series.flatMap(\.values).max() ?? 1, 1))
        let chartH = Double(height - 24)
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTML.escaped(label))\" viewBox=\"0 0 \(width) \(height)\" preserveAspectRatio=\"none\">"
        svg += "<title>\(HTML.escaped(label))</title>"
        for s in series {
            let pts = s.values.enumerated().map { i, v in
                "\(fmt(Double(i) / Double(labels.count - 1) * Double(width - 4) + 2)),\(fmt(chartH - Double(v) / maxV * (chartH - 4)))"
            }
            svg += "<polyline class=\"\(s.cssClass)\" fill=\"none\" stroke-width=\"2\" points=\"\(pts.joined(separator: " "))\"><title>\(HTML.escaped(s.name))</title></polyline>"
        }
        svg += "<text x=\"0\" y=\"\(height - 6)\">\(HTML.escaped(labels[0]))</text>"
        svg += "<text x=\"\(width)\" y=\"\(height - 6)\" text-anchor=\"end\">\(HTML.escaped(labels[labels.count - 1]))</text>"
        return svg + "</svg>"
    }
}
