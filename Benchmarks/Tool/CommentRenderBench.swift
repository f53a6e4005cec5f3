import ArgumentParser
import DailyPapersCore
import Foundation

/// `dailypapers-bench comment-render`: the comment renderer on the worst 64 KB inputs we can build, against
/// plain prose of the same size (the linear floor) in the same run. Prints the slowest render of each.
struct CommentRenderBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "comment-render",
                                                    abstract: "Render worst-case 64 KB comments; print ms per render and the ratio to plain text.")

    @Option(help: "Bytes per comment.") var size = 65_536
    @Option(help: "Renders per input (the slowest and the median are printed).") var repeats = 30

    func run() {
        func fill(_ unit: String) -> String {
            String(String(repeating: unit, count: size / unit.utf8.count + 1).utf8.prefix(size))!
        }
        let inputs: [(String, String)] = [
            ("plain prose (baseline)", fill("the quick brown fox jumps over the lazy dog. ")),
            ("[ x 65536", fill("[")),
            ("*a  repeated", fill("*a ")),
            ("_a  repeated", fill("_a ")),
            ("** repeated", fill("**")),
            ("` repeated, odd", fill("`") + "x"),
            ("[a]( repeated", fill("[a](")),
            ("[[[[a](x repeated", fill("[[[[a](x")),
            ("[a](https:// no close", "[a](https://" + fill("a")),
            ("http:// repeated", fill("http:// ")),
            ("https://x.org/) runs", fill("https://x.org/)))))")),
            ("*_*_ nesting", fill("*_**_*")),
            ("> quotes", fill("> ")),
            ("- list lines", fill("- a\n")),
            ("lines of [", fill(String(repeating: "[", count: 80) + "\n")),
            ("é*é_ unicode", fill("é*é_ ")),
            ("mixed worst", fill("[*_`h**[a](")),
            ("[] pairs", fill("[]")),
            ("[a]( then spaces", fill("[a](" + String(repeating: " ", count: 60))),
            ("***_ deep nesting", fill("***___")),
            ("` pairs", fill("`a`")),
        ]
        // And the slowest of 50 random soups of every delimiter, space, letters and line breaks.
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("[]()*_`h> -1.\n\té<&\"ttps:/")
        let soups = (0..<50).map { _ in String((0..<size).map { _ in alphabet.randomElement(using: &generator)! }) }
        let inputsAndSoups = inputs + soups.enumerated().map { ("random soup \($0.offset)", $0.element) }
        var baseline = 0.0
        var slowestSoup = (name: "", median: 0.0, worst: 0.0)
        print("input                      median ms   max ms   x plain")
        for (name, text) in inputsAndSoups {
            var times: [Double] = []
            for _ in 0..<repeats {
                let start = ContinuousClock.now
                let html = CommentMarkdown.render(text)
                let took = ContinuousClock.now - start
                precondition(!html.isEmpty)
                times.append(Double(took.components.attoseconds) / 1e15 + Double(took.components.seconds) * 1000)
            }
            times.sort()
            let median = times[times.count / 2], worst = times.last!
            if baseline == 0 { baseline = median }
            if name.hasPrefix("random soup") {
                if median > slowestSoup.median { slowestSoup = (name, median, worst) }
                continue
            }
            print(name.padding(toLength: 26, withPad: " ", startingAt: 0), String(format: "%9.2f %8.2f %9.1f", median, worst, median / baseline))
        }
        print("slowest of 50 random soups".padding(toLength: 26, withPad: " ", startingAt: 0),
              String(format: "%9.2f %8.2f %9.1f", slowestSoup.median, slowestSoup.worst, slowestSoup.median / baseline))
    }
}
