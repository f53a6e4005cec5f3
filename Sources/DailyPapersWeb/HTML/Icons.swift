import DailyPapersCore
/// Inline SVG icons: no icon font, no emoji font needed, no request to another host.
enum Icons {
    static let comment = Markup.fragment { h in
        h.element("svg", class: "icon", [("aria-hidden", "true"), ("viewBox", "0 0 16 16"), ("width", "14"), ("height", "14")]) { h in
            h.empty("path", [("d", "M2 3h12v8H6l-3 3v-3H2z"), ("fill", "none"), ("stroke", "currentColor"),
                             ("stroke-width", "1.5"), ("stroke-linejoin", "round")])
        }
    }
}
