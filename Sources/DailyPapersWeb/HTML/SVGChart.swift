import DailyPapersCore
import Foundation

/// Charts as inline SVG written on the server: no script, no remote library, readable by screen readers
/// through a title and a text alternative.
enum SVGChart {
    static func fmt(_ x: Double) -> String { String(format: "%.1f", x) }

    /// A small line of values over time. `points` are (x, y) in any units, x increasing.
    static func sparkline(_ points: [(Double, Double)], width: Int = 240, height: Int = 48, label: String,
                          into h: inout HTML) {
        guard let minX = points.map(\.0).min(), let maxX = points.map(\.0).max() else { return }
        let maxY = max(points.map(\.1).max() ?? 1, 1)
        let spanX = max(maxX - minX, 1)
        let pad = 3.0
        let coords = points.map { p -> (x: String, y: String) in
            let x = pad + (p.0 - minX) / spanX * (Double(width) - 2 * pad)
            let y = Double(height) - pad - p.1 / maxY * (Double(height) - 2 * pad)
            return (fmt(x), fmt(y))
        }
        h.element("svg", class: "spark", [("role", "img"), ("aria-label", label), ("viewBox", "0 0 \(width) \(height)"),
                                          ("width", String(width)), ("height", String(height))]) { h in
            h.element("title", text: label)
            h.empty("polyline", [("fill", "none"), ("stroke", "currentColor"), ("stroke-width", "2"),
                                 ("points", coords.map { "\($0.x),\($0.y)" }.joined(separator: " "))])
            if let last = coords.last {
                h.empty("circle", [("cx", last.x), ("cy", last.y), ("r", "3"), ("fill", "currentColor")])
            }
        }
    }

    /// Vertical bars with a label under the first, middle and last.
    static func bars(_ values: [(String, Int)], width: Int = 720, height: Int = 200, label: String, into h: inout HTML) {
        guard !values.isEmpty else { return h.element("p", class: "empty", text: "No data yet.") }
        let maxV = Double(max(values.map(\.1).max() ?? 1, 1))
        let chartH = Double(height - 24)
        let step = Double(width) / Double(values.count)
        chart(width: width, height: height, label: label, into: &h) { h in
            for (i, (name, v)) in values.enumerated() {
                let barHeight = Double(v) / maxV * (chartH - 4)
                h.element("rect", [("x", fmt(Double(i) * step + 1)), ("y", fmt(chartH - barHeight)),
                                   ("width", fmt(max(step - 2, 1))), ("height", fmt(barHeight))]) { h in
                    h.element("title", text: "\(name): \(v)")
                }
            }
            for i in Set([0, values.count / 2, values.count - 1]).sorted() {
                let anchor = i == 0 ? "start" : i == values.count - 1 ? "end" : "middle"
                let x = Double(i) * step + (anchor == "start" ? 0 : anchor == "end" ? step : step / 2)
                h.element("text", [("x", fmt(x)), ("y", String(height - 6)), ("text-anchor", anchor)], text: values[i].0)
            }
        }
    }

    /// Two lines over the same x axis, with a legend.
    static func lines(_ labels: [String], _ series: [(name: String, values: [Int], cssClass: String)],
                      width: Int = 720, height: Int = 200, label: String, into h: inout HTML) {
        guard labels.count > 1 else { return h.element("p", class: "empty", text: "Not enough weeks yet.") }
        let maxV = Double(max(series.flatMap(\.values).max() ?? 1, 1))
        let chartH = Double(height - 24)
        chart(width: width, height: height, label: label, into: &h) { h in
            for s in series {
                let points = s.values.enumerated().map { i, v in
                    "\(fmt(Double(i) / Double(labels.count - 1) * Double(width - 4) + 2)),\(fmt(chartH - Double(v) / maxV * (chartH - 4)))"
                }
                h.element("polyline", class: s.cssClass, [("fill", "none"), ("stroke-width", "2"),
                                                          ("points", points.joined(separator: " "))]) { h in
                    h.element("title", text: s.name)
                }
            }
            h.element("text", [("x", "0"), ("y", String(height - 6))], text: labels[0])
            h.element("text", [("x", String(width)), ("y", String(height - 6)), ("text-anchor", "end")],
                      text: labels[labels.count - 1])
        }
    }

    private static func chart(width: Int, height: Int, label: String, into h: inout HTML, _ content: (inout HTML) -> Void) {
        h.element("svg", class: "chart", [("role", "img"), ("aria-label", label), ("viewBox", "0 0 \(width) \(height)"),
                                          ("preserveAspectRatio", "none")]) { h in
            h.element("title", text: label)
            content(&h)
        }
    }
}
