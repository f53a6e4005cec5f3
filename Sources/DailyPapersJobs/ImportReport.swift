import Metrics

/// Papers stored by imports and ingests, by source (hf-daily, arxiv-jsonl, arxiv-atom, oai, arxiv-api ...).
enum ImportMetrics {
    static func record(source: String, papers: Int, problems: Int) {
        Counter(label: "dailypapers_imported_papers_total", dimensions: [("source", source)]).increment(by: papers)
        if problems > 0 { Counter(label: "dailypapers_import_problems_total", dimensions: [("source", source)]).increment(by: problems) }
    }
}

/// What an import did: counts, and every record or file it refused with the reason.
public struct ImportReport: Sendable, Equatable {
    public var papers = 0
    public var withdrawn = 0
    public var problems: [Problem] = []
    public var succeeded: Bool { problems.isEmpty }

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let file: String
        /// "line 12", "entry 3 (line 45)"; nil when the whole file was refused.
        public let record: String?
        public let reason: String
        public var description: String { record.map { "\(file): \($0): \(reason)" } ?? "\(file): \(reason)" }
    }

    public init() {}
}

/// Progress of a long import, for a terminal line or a log line.
public struct ImportProgress: Sendable {
    public var papers: Int
    public var problems: Int
    /// 0...1 when the total is known (bytes of the file read so far).
    public var fraction: Double?
    public var file: String
    /// Papers whose keywords are chosen so far, once the papers are all saved.
    public var keywords: Int? = nil
}
