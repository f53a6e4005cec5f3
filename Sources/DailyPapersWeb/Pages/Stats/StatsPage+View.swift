import DailyPapersCore
import DailyPapersStore

/// `/stats`: papers featured per day, top categories, submissions and active submitters per week.
enum StatsPage {
    static func render(stats: StatsStore, site: SiteInfo) async throws -> String {
        let perDay = try await stats.papersPerDay(limit: 90)
        let categories = try await stats.topCategories(limit: 15)
        let since = (perDay.last?.0 ?? CalendarDay(daysSinceEpoch: 0)).advanced(by: -7 * 52)
        let weekly = try await stats.weekly(since: since)
        return Layout.page(site: site, title: "Statistics", description: "What the community featured, by day, category and week.",
                           canonical: Route.stats.path()) { h in
            h.raw("<article class=\"stats\"><h1>Statistics</h1>")
            h.raw("<section aria-labelledby=\"per-day\"><h2 id=\"per-day\">Papers featured per day</h2>")
            let total = perDay.reduce(0) { $0 + $1.1 }
            h.element("p", text: perDay.isEmpty ? "No papers yet." : "\(total) papers on the last \(perDay.count) days with papers.")
            h.raw(SVGChart.bars(perDay.map { (FeedPeriod.shortDate($0.0) + " \($0.0.year)", $0.1) },
                                label: "Papers featured per day, \(perDay.first.map { $0.0.iso } ?? "") to \(perDay.last.map { $0.0.iso } ?? "")"))
            h.raw("</section><section aria-labelledby=\"cats\"><h2 id=\"cats\">Top categories</h2>")
            if categories.isEmpty {
                h.raw("<p class=\"empty\">No categories known yet: papers imported from Hugging Face carry none; arXiv ingestion adds them.</p>")
            } else {
                let top = Double(categories[0].1)
                h.raw("<ul class=\"hbars\">")
                for (category, n) in categories {
                    h.raw("<li>")
                    h.open("a", [("href", Route.categoryFeed.path("\(category).atom"))])
                    h.text(category)
                    h.close("a")
                    h.raw("<svg aria-hidden=\"true\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\"><rect width=\"\(SVGChart.fmt(Double(n) / top * 100))\" height=\"10\"/></svg>")
                    h.element("span", text: "\(n)")
                    h.raw("</li>")
                }
                h.raw("</ul>")
            }
            h.raw("</section><section aria-labelledby=\"weeks\"><h2 id=\"weeks\">Submissions and active submitters per week</h2>")
            h.raw("<p class=\"legend\"><span class=\"key subs\"></span> papers submitted <span class=\"key users\"></span> members who submitted</p>")
            h.raw(SVGChart.lines(weekly.map(\.week.key), [("papers submitted", weekly.map(\.submissions), "subs"),
                                                            ("members who submitted", weekly.map(\.activeUsers), "users")],
                                 label: "Per week: papers submitted and members who submitted"))
            if !weekly.isEmpty {
                h.raw("<details><summary>As a table</summary><table><thead><tr><th scope=\"col\">week</th><th scope=\"col\">papers</th><th scope=\"col\">members</th></tr></thead><tbody>")
                for w in weekly.suffix(12) {
                    h.raw("<tr>")
                    h.element("td", text: w.week.key)
                    h.element("td", text: "\(w.submissions)")
                    h.element("td", text: "\(w.activeUsers)")
                    h.raw("</tr>")
                }
                h.raw("</tbody></table></details>")
            }
            h.raw("</section></article>")
        }
    }
}
