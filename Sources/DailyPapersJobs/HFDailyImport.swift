import DailyPapersCore
import DailyPapersIngest
import DailyPapersStore
import Foundation

/// `dailypapers import hf-daily`: reads Hugging Face daily-papers files and stores them, one
/// transaction per file, so a bad or interrupted file leaves nothing half-written and every good
/// file is imported. Running it again over the same files changes nothing.
public struct HFDailyImport: Sendable {
    public enum Event: Sendable {
        case started(files: Int)
        case imported(file: String, papers: Int)
        case failed(file: String, reason: String)
    }

    public struct Summary: Sendable, Equatable {
        public var files = 0
        public var importedFiles = 0
        public var papers = 0
        public var failures: [Failure] = []
        public var succeeded: Bool { failures.isEmpty }
    }

    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        public let file: String
        public let reason: String
        public var description: String { "\(file): \(reason)" }
    }

    let store: PaperStore
    /// The scores of imported papers are computed with the configured trending settings: a re-import with
    /// the standard ones would reset what the site computes with its own.
    let trending: Trending
    public init(store: PaperStore, trending: Trending) {
        self.store = store
        self.trending = trending
    }

    public func run(paths: [String], onEvent: @Sendable (Event) -> Void = { _ in }) async throws -> Summary {
        var summary = Summary()
        let (files, missing) = Self.expand(paths)
        summary.files = files.count + missing.count
        onEvent(.started(files: summary.files))
        for m in missing {
            summary.failures.append(Failure(file: m, reason: "no such file or folder"))
            onEvent(.failed(file: m, reason: "no such file or folder"))
        }
        for file in files {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                let result = try HFDailyPapersReader.read(data, fileName: (file as NSString).lastPathComponent)
                try await store.saveFeatured(result.papers, trending: trending)
                summary.importedFiles += 1
                summary.papers += result.papers.count
                onEvent(.imported(file: file, papers: result.papers.count))
            } catch let error as IngestError {
                summary.failures.append(Failure(file: file, reason: error.message))
                onEvent(.failed(file: file, reason: error.message))
            } catch let error as CocoaError where error.code == .fileReadNoPermission || error.code == .fileReadNoSuchFile {
                summary.failures.append(Failure(file: file, reason: "cannot read the file (\(error.localizedDescription))"))
                onEvent(.failed(file: file, reason: "cannot read the file"))
            }
            // Store errors (disk full, database locked for too long) are not the file's fault: they stop the run.
        }
        ImportMetrics.record(source: "hf-daily", papers: summary.papers, problems: summary.failures.count)
        return summary
    }

    /// Files as given, and the `.json` files of folders (recursively), in name order so that
    /// days are imported chronologically. Returns paths that do not exist separately.
    static func expand(_ paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { missing.append(path); continue }
            if isDir.boolValue {
                let found = (fm.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
                    .filter { $0.hasSuffix(".json") }
                    .sorted()
                    .map { (path as NSString).appendingPathComponent($0) }
                files.append(contentsOf: found)
            } else {
                files.append(path)
            }
        }
        return (files, missing)
    }
}
