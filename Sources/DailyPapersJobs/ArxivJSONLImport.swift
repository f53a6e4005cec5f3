import DailyPapersCore
import DailyPapersIngest
import DailyPapersStore
import Foundation
import Synchronization

/// `dailypapers import arxiv-jsonl FILE`: streams a JSON-lines dump (Kaggle's snapshot or the corpus
/// format, plain or gzip) into the store in batched transactions, and chooses the new papers' keywords a chunk
/// of papers at a time (`KeywordChunk`: each word counted once a chunk, not once a batch). Memory stays flat
/// whatever the file size; a killed import leaves whole batches only (and whole chunks of keywords), and
/// running it again completes the job.
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
        let source: BatchSource
        do { source = try BatchSource(path: path, batchSize: batchSize, limit: limit) } catch {
            report.problems.append(.init(file: path, record: nil, reason: error.message))
            return report
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        // The next batch is read, parsed and analysed (`PaperBatch`) on another core while this one is saved.
        // Keywords: from the term counts the source took as it read, for the papers the saves found new; a chunk
        // is weighed (reads and arithmetic) while the next batches are saved, and written after them.
        // Into a database without papers, the indexes whose keys come in no order are built once at the end.
        let deferred = try await store.deferIndexesIfEmpty()
        var next = Task { source.next() }
        var added = Set<String>()
        var weighing: Task<WeighedKeywords, any Error>?
        while let (batch, records, offset, chunk) = await next.value {
            next = Task { source.next() }
            added.formUnion(try await store.savePapers(batch, indexSimilarity: false))
            if let chunk {
                if let weighing { try await store.saveKeywords(try await weighing.value) }
                let kept = chunk.keeping(added)
                weighing = Task { try await store.weighKeywords(kept) }
                added = []
            }
            report.papers += records
            onProgress(ImportProgress(papers: report.papers, problems: source.problemCount,
                                      fraction: size.map { Double(offset) / Double(max($0, 1)) }, file: path))
        }
        if let weighing { try await store.saveKeywords(try await weighing.value) }
        if deferred { try await store.buildDeferredIndexes() }
        report.problems += source.problems
        // Papers stored before without keywords (an import killed before its chunk was written) are weighed now.
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

/// The batches of a JSON-lines file, read one at a time by whichever task asks (never two at once: the importer
/// asks for the next only when the last has come), with the records it refused.
private final class BatchSource: @unchecked Sendable {
    let path: String
    let batchSize: Int
    let limit: Int?
    private let reader: LineReader
    private var read = 0
    private var finished = false
    private var chunk = KeywordChunk()
    private var analyzer = SearchAnalyzer()
    private(set) var problems: [ImportReport.Problem] = []
    private let count = Mutex(0)
    var problemCount: Int { count.withLock { $0 } }

    init(path: String, batchSize: Int, limit: Int?) throws(IngestError) {
        self.path = path
        self.batchSize = batchSize
        self.limit = limit
        reader = try LineReader(path: path)
    }

    /// The next batch ready to save, how many records it holds, how far into the file (compressed bytes) it
    /// ends, and, when this batch fills one (or is the last), the chunk of term counts its papers and those
    /// before it complete; nil at the end. A file that cannot be read further is one problem, and what was read is kept.
    func next() -> (PaperBatch, Int, Int, KeywordChunk?)? {
        guard !finished else { return nil }
        var papers: [Paper] = []
        papers.reserveCapacity(batchSize)
        do {
            while papers.count < batchSize, let line = try reader.next() {
                if let limit, read >= limit { finished = true; break }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                do {
                    papers.append(try ArxivJSONLReader.paper(fromLine: line))
                    read += 1
                } catch {
                    add(.init(file: path, record: "line \(reader.lineNumber)", reason: error.message))
                }
            }
            if papers.count < batchSize { finished = true }
        } catch {
            add(.init(file: path, record: nil, reason: error.message))
            finished = true
        }
        // The file ended right after a full batch: the chunk's last papers still go.
        guard !papers.isEmpty || chunk.count > 0 else { return nil }
        let batch = PaperBatch(papers, analyzer: &analyzer, keywords: &chunk)
        var full: KeywordChunk?
        if chunk.isFull || finished {
            full = chunk
            chunk = KeywordChunk()
        }
        return (batch, papers.count, reader.compressedOffset, full)
    }

    private func add(_ problem: ImportReport.Problem) {
        problems.append(problem)
        count.withLock { $0 += 1 }
    }
}
