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
            h.element("article", class: "stats") { h in
                h.element("h1", text: "Statistics")
                h.section("per-day", "Papers featured per day") { h in
                    let total = perDay.reduce(0) { $0 + $1.1 }
                    h.element("p", text: perDay.isEmpty ? "No papers yet." : "\(total) papers on the last \(perDay.count) days with papers.")
                    SVGChart.bars(perDay.map { (FeedPeriod.shortDate($0.0) + " \($0.0.year)", $0.1) },
                                  label: "Papers featured per day, \(perDay.first.map { $0.0.iso } ?? "") to \(perDay.last.map { $0.0.iso } ?? "")",
                                  into: &h)
                }
                h.section("cats", "Top categories") { h in
                    if categories.isEmpty {
                        h.element("p", class: "empty", text: "No categories known yet: papers imported from Hugging Face carry none; arXiv ingestion adds them.")
                    } else {
                        let top = Double(categories[0].1)
                        h.element("ul", class: "hbars") { h in
                            for (category, n) in categories {
                                h.element("li") { h in
                                    h.link(Route.categoryFeed.path("\(category).atom"), category)
                                    h.element("svg", [("aria-hidden", "true"), ("viewBox", "0 0 100 10"), ("preserveAspectRatio", "none")]) { h in
                                        h.empty("rect", [("width", SVGChart.fmt(Double(n) / top * 100)), ("height", "10")])
                                    }
                                    h.element("span", text: "\(n)")
                                }
                            }
                        }
                    }
                }
                h.section("weeks", "Submissions and active submitters per week") { h in
                    h.element("p", class: "legend") { h in
                        h.element("span", class: "key subs", text: "")
                        h.text(" papers submitted ")
                        h.element("span", class: "key users", text: "")
                        h.text(" members who submitted")
                    }
                    SVGChart.lines(weekly.map(\.week.key), [("papers submitted", weekly.map(\.submissions), "subs"),
                                                             ("members who submitted", weekly.map(\.activeUsers), "users")],
                                   label: "Per week: papers submitted and members who submitted", into: &h)
                    if !weekly.isEmpty {
                        CommentThreadView.details("As a table", into: &h) { h in
                            h.table(["week", "papers", "members"], rows: weekly.suffix(12).map { [$0.week.key, "\($0.submissions)", "\($0.activeUsers)"] })
                        }
                    }
                }
            }
        }
    }
}
