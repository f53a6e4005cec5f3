import ArgumentParser

/// Tools for the benchmarks in BENCHMARKS.md, kept out of the product binary.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dailypapers-bench",
        abstract: "Benchmark helpers: search latency, a synthetic corpus, featuring a whole corpus.",
        subcommands: [SearchBench.self, SearchQualityBench.self, SegmentBench.self, SynthCommand.self, FeatureAllCommand.self, CommentRenderBench.self,
                      ForYouBench.self])
}
