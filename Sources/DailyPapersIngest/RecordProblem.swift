/// One record a reader skipped, and why; the reader's other records are still delivered.
public struct RecordProblem: Sendable, Equatable, CustomStringConvertible {
    /// Which record: "entry 3 (line 45)", "line 1207", "record oai:arXiv.org:0811.3648 (line 88)".
    public let record: String
    public let reason: String
    public init(record: String, reason: String) {
        self.record = record
        self.reason = reason
    }
    public var description: String { "\(record): \(reason)" }
}
