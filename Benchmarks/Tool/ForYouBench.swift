import ArgumentParser
import DailyPapersCore
import Foundation

/// "For you", measured offline on Hugging Face's own history (issue 28's quality target): each featured paper's
/// submitter is a reader whose submissions are what they like. For every member with at least `--minimum`
/// submissions, the latest 20% are held out; the papers featured on the held-out days are ranked for the member by
/// the model trained on the rest, by upvotes, and at random; recall@10 and MRR say how high the held-out papers
/// come. Then "not interested": three papers of one topic turned away, the top 20 must hold no paper nearer to them
/// than the median candidate.
struct ForYouBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "for-you", abstract: "Offline quality of the \"For you\" ranking.")

    @Option(help: "The folder of Hugging Face daily papers files (one JSON array per day).")
    var days = "../shared/data/hf-daily-papers/daily-2024-05-to-2026-08"
    @Option(help: "Submissions a member needs to be measured.") var minimum = 15
    @Option(help: "Random orders averaged for the random baseline.") var randomRuns = 50

    struct Featured { let id: String; let day: String; let upvotes: Int; let submitter: String?; let title: String; let abstract: String }

    func run() async throws {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: days).filter({ $0.hasSuffix(".json") }).sorted() else {
            throw ValidationError("\(days) is not there: this benchmark needs ../shared/data (skipped without it)")
        }
        var papers: [String: Featured] = [:]
        var skipped = 0
        for file in files {
            let day = String(file.dropLast(5))
            guard let data = FileManager.default.contents(atPath: days + "/" + file),
                  let json = try? JSONSerialization.jsonObject(with: data) else { skipped += 1; continue }
            let items = (json as? [Any]) ?? ((json as? [String: Any])?["data"] as? [Any]) ?? []
            for case let item as [String: Any] in items {
                guard let paper = item["paper"] as? [String: Any], let id = paper["id"] as? String, papers[id] == nil,
                      let title = paper["title"] as? String, let abstract = paper["summary"] as? String else { continue }
                let by = (item["submittedBy"] as? [String: Any]) ?? (paper["submittedOnDailyBy"] as? [String: Any])
                papers[id] = Featured(id: id, day: day, upvotes: paper["upvotes"] as? Int ?? 0,
                                      submitter: by?["user"] as? String ?? by?["name"] as? String, title: title, abstract: abstract)
            }
        }
        // Keywords as the site chooses them: tf-idf terms over this corpus, heaviest first.
        let all = papers.values.sorted { $0.id < $1.id }
        let counts = all.map { Terms.counts(title: $0.title, abstract: $0.abstract) }
        var df: [String: Int] = [:]
        for c in counts { for term in c.keys where Terms.isWord(term) { df[term, default: 0] += 1 } }
        var vectors: [String: ReaderProfile.Vector] = [:]
        for (paper, c) in zip(all, counts) {
            vectors[paper.id] = ReaderProfile.vector(keywords: Terms.weights(c, df: df, documents: all.count).map(\.term))
        }
        let byDay = Dictionary(grouping: all, by: \.day)
        let members = Dictionary(grouping: all.filter { $0.submitter != nil }, by: { $0.submitter! }).filter { $0.value.count >= minimum }
        print("papers \(all.count) on \(byDay.count) days (\(skipped) files unreadable), members with >= \(minimum) submissions: \(members.count)")

        var totals = (model: (recall: 0.0, mrr: 0.0), upvotes: (recall: 0.0, mrr: 0.0), random: (recall: 0.0, mrr: 0.0))
        var candidatesSeen = 0, heldOutSeen = 0, violations = 0, checked = 0
        var rng = SplitMix64(seed: 7)
        for (name, submitted) in members.sorted(by: { $0.key < $1.key }) {
            let ordered = submitted.sorted { ($0.day, $0.id) < ($1.day, $1.id) }
            let held = Int((Double(ordered.count) * 0.2).rounded(.up))
            let train = ordered.dropLast(held), test = Set(ordered.suffix(held).map(\.id))
            let heldDays = Set(ordered.suffix(held).map(\.day))
            let candidates = heldDays.sorted().flatMap { byDay[$0] ?? [] }
            candidatesSeen += candidates.count; heldOutSeen += test.count
            func measure(_ order: [String]) -> (recall: Double, mrr: Double) {
                let top = order.prefix(10).filter(test.contains).count
                let first = order.firstIndex(where: test.contains).map { 1.0 / Double($0 + 1) } ?? 0
                return (Double(top) / Double(test.count), first)
            }
            let profile = ReaderProfile(positives: train.reversed().compactMap { vectors[$0.id] })
            let model = measure(profile.rank(candidates.map { vectors[$0.id] ?? [:] }).map { candidates[$0.index].id })
            let upvoted = measure(candidates.sorted { ($0.upvotes, $1.id) > ($1.upvotes, $0.id) }.map(\.id))
            var random = (recall: 0.0, mrr: 0.0)
            for _ in 0..<randomRuns {
                let r = measure(candidates.map(\.id).shuffled(using: &rng))
                random.recall += r.recall / Double(randomRuns); random.mrr += r.mrr / Double(randomRuns)
            }
            totals.model.recall += model.recall; totals.model.mrr += model.mrr
            totals.upvotes.recall += upvoted.recall; totals.upvotes.mrr += upvoted.mrr
            totals.random.recall += random.recall; totals.random.mrr += random.mrr
            print(String(format: "  %-22@ %4d submitted, %3d held out, %4d candidates: recall@10 model %.3f upvotes %.3f random %.3f",
                         name, ordered.count, test.count, candidates.count, model.recall, upvoted.recall, random.recall))

            // "Not interested" three times on one topic: the model's top paper and its two nearest candidates.
            let ranked = profile.rank(candidates.map { vectors[$0.id] ?? [:] })
            guard let top = ranked.first else { continue }
            let topVector = vectors[candidates[top.index].id] ?? [:]
            let neighbours = candidates.indices.filter { $0 != top.index }
                .sorted { ReaderProfile.similarity(vectors[candidates[$0].id] ?? [:], topVector) > ReaderProfile.similarity(vectors[candidates[$1].id] ?? [:], topVector) }
            let away = [top.index] + neighbours.prefix(2)
            let negatives = away.map { vectors[candidates[$0].id] ?? [:] }
            let remaining = candidates.indices.filter { !away.contains($0) }
            let after = ReaderProfile(positives: train.reversed().compactMap { vectors[$0.id] }, negatives: negatives)
                .rank(remaining.map { vectors[candidates[$0].id] ?? [:] })
            let nearness = remaining.map { i in negatives.map { ReaderProfile.similarity(vectors[candidates[i].id] ?? [:], $0) }.max() ?? 0 }
            let median = nearness.sorted()[nearness.count / 2]
            checked += 1
            if after.prefix(20).contains(where: { nearness[$0.index] > median }) { violations += 1 }
        }
        let n = Double(max(members.count, 1))
        print(String(format: "members %d, held-out papers %d, candidates %d (mean %.0f a member)", members.count, heldOutSeen, candidatesSeen, Double(candidatesSeen) / n))
        print(String(format: "recall@10: model %.3f, most upvoted %.3f, random %.3f -> model / most upvoted %.2fx", totals.model.recall / n,
                     totals.upvotes.recall / n, totals.random.recall / n, totals.model.recall / max(totals.upvotes.recall, 1e-9)))
        print(String(format: "MRR:       model %.3f, most upvoted %.3f, random %.3f", totals.model.mrr / n, totals.upvotes.mrr / n, totals.random.mrr / n))
        print("not interested x3 on one topic: \(violations) of \(checked) members kept a paper nearer than the median in their top 20")
    }
}
