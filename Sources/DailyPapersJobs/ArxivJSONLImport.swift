import DailyPapersCore
import DailyPapersIngest
import DailyPapersStore
import Foundation

/// `dailypapers import arxiv-jsonl FILE`: streams a JSON-lines dump (Kaggle's snapshot or the corpus
/// format, plain or gzip) into the store in batched transactions, then chooses the new papers' keywords in
/// one pass (`PaperStore.reindexSimilarity(onlyMissing:)`: each term counted once a chunk of papers, not once
/// a batch). Memory stays flat whatever the file size; a killed import leaves whole batches only (and whole
/// chunks of keywords), and running it again completes the job.
public struct ArxivJSONLImport: Sendable {
    let store: PaperStore
    let batchSize: Int

    public init(store: PaperStore, batchSize: Int = 1000) {
        self.store = store
        self.batchSize = batchSize
    }

    public func run(path: String, limit: Int? = nil,
                    onProgress: @Sendable (ImportProgress) -> Void = { _ in }) async throws -> ImportReport {
        var report = ImportReport()
        let reader: LineReader
        do { reader = try LineReader(path: path) } catch {
            report.problems.append(.init(file: path, record: nil, reason: error.message))
            return report
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        var batch: [Paper] = []
        batch.reserveCapacity(batchSize)
        func flush() async throws {
            guard !batch.isEmpty else { return }
            try await store.savePapers(batch, indexSimilarity: false)
            report.papers += batch.count
            batch.removeAll(keepingCapacity: true)
            onProgress(ImportProgress(papers: report.papers, problems: report.problems.count,
                                      fraction: size.map { Double(reader.compressedOffset) / Double(max($0, 1)) }, file: path))
        }
        do {
            while let line = try reader.next() {
                if let limit, report.papers + batch.count >= limit { break }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                do {
                    batch.append(try ArxivJSONLReader.paper(fromLine: line))
                } catch {
                    report.problems.append(.init(file: path, record: "line \(reader.lineNumber)", reason: error.message))
                }
                if batch.count >= batchSize { try await flush() }
            }
        } catch let error as IngestError {
            report.problems.append(.init(file: path, record: nil, reason: error.message))
        }
        try await flush()
        if report.papers > 0 {
            let (papers, problems) = (report.papers, report.problems.count)
            try await store.reindexSimilarity(onlyMissing: true) { weighed in
                onProgress(ImportProgress(papers: papers, problems: problems, fraction: 1, file: path, keywords: weighed))
            }
        }
        ImportMetrics.record(source: "arxiv-jsonl", papers: report.papers, problems: report.problems.count)
        return report
    }
}
