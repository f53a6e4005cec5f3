import DailyPapersCore
import DailyPapersTestSupport
import Foundation
import Testing
@testable import DailyPapersStore

/// The search index as a file every process maps: written from the index rows, it answers exactly as the
/// in-memory index does, and a damaged file is refused, never read past its end.
@Suite struct SearchSegmentTests {
    @Test func aMappedSegmentRanksAsTheMemoryIndexDoes() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured(try SearchIndexTests.corpus(), trending: .standard)
            let rows = try await t.database.read { db in try await SearchMemory.rows("id > 0 ORDER BY id", on: db) }
            #expect(rows.count == 40)
            let path = t.folder + "/search.segment"
            try await SearchSegment.write(rows, to: path)
            let segment = try SearchSegment(path: path)
            #expect(segment.docCount == rows.count && segment.lastRowID == rows.last!.id)
            let memory = t.database.searchMemory
            _ = try await t.database.read { db in try await memory.catchUp(on: db) }
            let titles = rows.map(\.paper)
            #expect(segment.doc(of: titles[7]).map(segment.paper) == titles[7])
            #expect(segment.doc(of: "2999.99999") == nil)
            var compared = 0
            for text in ["models", "language models", "diffusion video generation", "the of", "zzzz", "reward process", "gaussian splatting", "sensor simulation", "model"] {
                let query = try #require(SearchQuery(text))
                let words = Array(Set(query.indexTerms.joined())).sorted()
                for limit in [1, 5, 20] {
                    let expected = memory.top(words, limit: limit).best
                    let got = segment.top(words, limit: limit)
                    #expect(got.map(\.paper) == expected.map(\.paper) && got.map(\.score) == expected.map(\.score), "\(text) \(limit)")
                    compared += 1
                }
            }
            // A phrase: its words side by side in one field.
            let phrase = ["gaussian", "splat"]
            #expect(segment.top(phrase, phrases: [phrase], limit: 10).map(\.paper) == memory.top(phrase, phrases: [phrase], limit: 10).best.map(\.paper))
            #expect(compared == 27)
        }
    }

    /// A file of 50 papers ("alpha beta" in each title, a word of its own in each abstract) in `folder`; its path.
    static func fiftyPapers(in folder: String) async throws -> String {
        let rows = (0..<50).map { i in
            SearchMemory.Row(id: Int64(i + 1), paper: String(format: "2501.%05d", i), length: 4, sequence: "alpha beta | alpha t\(i)")
        }
        let path = folder + "/s.segment"
        try await SearchSegment.write(rows, to: path)
        return path
    }

    @Test func aDamagedFileIsRefused() async throws {
        let folder = NSTemporaryDirectory() + "dailypapers-segment-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try await Self.fiftyPapers(in: folder)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try SearchSegment(path: path).top(["alpha"], limit: 3).count == 3)
        for cut in [0, 10, 95, whole.count / 2, whole.count - 1] {
            try whole.prefix(cut).write(to: URL(fileURLWithPath: path))
            #expect(throws: StoreError.self) { try SearchSegment(path: path) }
        }
        var wrong = whole
        wrong[0] = UInt8(ascii: "X")
        try wrong.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try SearchSegment(path: path) }
        // Damage inside the lists and positions (the file's second half) is not seen at opening; reading it must
        // stay inside the file: answers may be wrong, but nothing crashes or reads past a list.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var garbled = whole
            for _ in 0..<8 { garbled[Int.random(in: (whole.count / 2)..<whole.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            try garbled.write(to: URL(fileURLWithPath: path))
            guard let segment = try? SearchSegment(path: path) else { continue }
            _ = segment.top(["alpha"], limit: 3)
            _ = segment.top(["alpha", "beta"], phrases: [["alpha", "beta"]], limit: 3)
            _ = segment.top(["beta", "t7"], limit: 3)
            _ = segment.preload(budget: 1 << 30)
        }
    }

    /// What a process reads ahead of its first searches: the paper ids first, then the rest of what every search
    /// goes through, then the longest lists, never past its budget; the answers are the same after.
    @Test func preloadReadsWhatEverySearchNeedsFirstWithinItsBudget() async throws {
        let folder = NSTemporaryDirectory() + "dailypapers-segment-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try await Self.fiftyPapers(in: folder)
        let segment = try SearchSegment(path: path)
        let before = segment.top(["alpha", "beta"], phrases: [["alpha", "beta"]], limit: 5)
        #expect(segment.preload(budget: 0) == 0)
        // The ids (16 bytes a paper) come first: a budget of exactly them reads them, one byte less reads nothing.
        #expect(segment.preload(budget: 50 * 16) == 50 * 16)
        #expect(segment.preload(budget: 50 * 16 - 1) == 0)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let all = segment.preload(budget: 1 << 30)
        #expect(all > 50 * 16 + 50 * 4 && all <= size)
        #expect(segment.top(["alpha", "beta"], phrases: [["alpha", "beta"]], limit: 5).map(\.paper) == before.map(\.paper))
        // A damaged header whose term names start after the postings (each offset still inside the file) is mapped;
        // reading it ahead reads no names and crashes nothing.
        var header = try Data(contentsOf: URL(fileURLWithPath: path))
        let postingsAt = header[80..<88].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        withUnsafeBytes(of: (postingsAt + 8).littleEndian) { header.replaceSubrange(72..<80, with: $0) }
        try header.write(to: URL(fileURLWithPath: path))
        if let damaged = try? SearchSegment(path: path) {
            #expect(damaged.preload(budget: 1 << 30) <= size)
            _ = damaged.top(["alpha"], limit: 3)
        }
    }

    /// Phrases from the file are told by the positions stored beside the postings: never losing a paper that holds
    /// the phrase (late in a long field, or again after a first near miss) nor letting through one whose words stand
    /// apart, in another field, or in the other order.
    @Test func storedPositionsFindEveryPhraseAndOnlyPhrases() async throws {
        let folder = NSTemporaryDirectory() + "dailypapers-masks-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func filler(_ n: Int) -> String { Array(repeating: "pad", count: n).joined(separator: " ") }
        let texts: [(id: String, sequence: String, holds: Bool)] = [
            ("2501.00001", "alpha beta gamma", true),
            // alpha at 31, beta at 32: bits 31 and 0.
            ("2501.00002", filler(31) + " alpha beta gamma", true),
            // 32 apart: the same bits as side by side.
            ("2501.00003", "alpha " + filler(31) + " beta gamma", false),
            ("2501.00004", "alpha | beta gamma", false),
            ("2501.00005", "beta alpha gamma", false),
            ("2501.00006", "alpha beta " + filler(40) + " alpha beta gamma", true),
            ("2501.00007", "alpha beta " + filler(29) + " gamma alpha", false),
            ("2501.00008", filler(70) + " | " + filler(3) + " alpha beta gamma " + filler(5), true),
        ]
        let rows = texts.enumerated().map { i, t in
            SearchMemory.Row(id: Int64(i + 1), paper: t.id, length: t.sequence.split(separator: " ").count, sequence: t.sequence)
        }
        let path = folder + "/s.segment"
        try await SearchSegment.write(rows, to: path)
        let segment = try SearchSegment(path: path)
        let memory = SearchMemory()
        memory.load(rows)
        let words = ["alpha", "beta", "gamma"]
        for phrase in [["alpha", "beta", "gamma"], ["alpha", "beta"]] {
            let fromFile = Set(segment.top(words, phrases: [phrase], limit: 20).map(\.paper))
            #expect(fromFile == Set(memory.top(words, phrases: [phrase], limit: 20).best.map(\.paper)), "\(phrase)")
            if phrase.count == 3 { #expect(fromFile == Set(texts.filter(\.holds).map(\.id))) }
        }
        // A phrase of one word twice, and a phrase whose word is in no paper.
        #expect(segment.top(["pad"], phrases: [["pad", "pad"]], limit: 20).count == 5)
        #expect(segment.top(["alpha", "zeta"], phrases: [["alpha", "zeta"]], limit: 20).isEmpty)
    }

    /// A phrase of two common words is answered by its pair term's list, one with a word in fewer than a tenth of the papers
    /// by positions, one of two common words that never stand side by side by nothing; each as the memory index answers.
    @Test func phrasesOfCommonWordsComeFromPairTermsTheRestFromPositions() async throws {
        let folder = NSTemporaryDirectory() + "dailypapers-pairs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // 400 papers: "alpha", "beta" and "gamma" in all, "pad" in most, "rare" in 2 (not common).
        let sequences = (0..<400).map { i -> String in
            switch i % 4 {
            case 0: return "alpha beta gamma | pad alpha"
            case 1: return "beta gamma alpha pad | alpha"
            case 2: return i % 200 == 2 ? "rare alpha beta gamma" : "gamma | alpha beta"
            default: return "alpha pad beta gamma"
            }
        }
        let rows = sequences.enumerated().map { i, text in
            SearchMemory.Row(id: Int64(i + 1), paper: String(format: "2501.%05d", i), length: text.split(separator: " ").count, sequence: text)
        }
        let path = folder + "/s.segment"
        try await SearchSegment.write(rows, to: path)
        let segment = try SearchSegment(path: path)
        let memory = SearchMemory()
        memory.load(rows)
        let paired = segment.plan([["alpha", "beta"]])
        #expect(paired.filters.count == 1 && paired.positional.isEmpty && !paired.none)
        let positional = segment.plan([["rare", "alpha"]])
        #expect(positional.filters.isEmpty && positional.positional == [["rare", "alpha"]])
        #expect(segment.plan([["beta", "alpha"]]).none)
        #expect(segment.plan([["alpha", "beta", "gamma"]]).positional == [["alpha", "beta", "gamma"]])
        for phrase in [["alpha", "beta"], ["rare", "alpha"], ["beta", "alpha"], ["alpha", "beta", "gamma"], ["gamma", "alpha"]] {
            let words = Array(Set(phrase)).sorted()
            let fromFile = segment.top(words, phrases: [phrase], limit: 500).map(\.paper)
            let fromMemory = memory.top(words, phrases: [phrase], limit: 500).best.map(\.paper)
            #expect(fromFile == fromMemory, "\(phrase)")
            let holding = sequences.indices.filter { sequences[$0].contains(phrase.joined(separator: " ")) }
            #expect(Set(fromFile) == Set(holding.map { String(format: "2501.%05d", $0) }), "\(phrase)")
        }
    }
}

/// An index file and the rows written after it rank as one index: the same papers, scores and order as the
/// in-memory index over all the rows, papers indexed again since the file included, with and without `only`.
@Suite struct SegmentAndTailTests {
    static let vocabulary = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]

    /// `count` rows over a small vocabulary (many shared words, equal scores) from a seeded generator.
    static func rows(_ count: Int, from firstID: Int64, papers: (Int) -> String, seed: UInt64) -> [SearchMemory.Row] {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        return (0..<count).map { i in
            let words = (0..<(2 + next(6))).map { _ in vocabulary[next(vocabulary.count)] }
            // Title, abstract and (now and then) authors: a word's weight is its field's.
            var fields = [words.prefix(3).joined(separator: " "), words.dropFirst(3).joined(separator: " ")]
            if next(3) == 0 { fields.append(vocabulary[next(vocabulary.count)]) }
            return SearchMemory.Row(id: firstID + Int64(i), paper: papers(i), length: words.count + fields.count - 2,
                                    sequence: fields.joined(separator: " | "))
        }
    }

    @Test func aFileAndItsTailRankAsTheWholeIndex() async throws {
        let folder = NSTemporaryDirectory() + "dailypapers-tail-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Enough papers that each word's list runs to many blocks of 128 in the file.
        let first = Self.rows(3000, from: 1, papers: { String(format: "2501.%05d", $0) }, seed: 1)
        // Written after the file: 60 new papers, and 40 of the file's papers indexed again with other words.
        let later = Self.rows(60, from: 1000, papers: { String(format: "2502.%05d", $0) }, seed: 2)
            + Self.rows(40, from: 2000, papers: { String(format: "2501.%05d", $0 * 7) }, seed: 3)
        let path = folder + "/s.segment"
        try await SearchSegment.write(first, to: path)
        let combined = SearchMemory()
        combined.use(try SearchSegment(path: path))
        combined.load(later)
        let whole = SearchMemory()
        whole.load(first + later)
        var compared = 0
        for a in Self.vocabulary {
            for words in [[a], [a, "beta"], [a, "gamma", "eta"]] {
                let query = Array(Set(words)).sorted()
                for limit in [1, 7, 50, 500] {
                    let expected = whole.top(query, limit: limit)
                    let got = combined.top(query, limit: limit)
                    #expect(got.best.map(\.paper) == expected.best.map(\.paper) && got.best.map(\.score) == expected.best.map(\.score),
                            "\(query) \(limit)")
                    #expect(got.complete == expected.complete, "\(query) \(limit) complete")
                    compared += 1
                }
                let only = Set((0..<120).map { String(format: "2501.%05d", $0 * 2) } + ["2502.00003"])
                #expect(combined.top(query, limit: 20, only: only).best.map(\.paper) == whole.top(query, limit: 20, only: only).best.map(\.paper))
            }
            for phrase in [[a, "beta"], [a, "beta", "gamma"], ["eta", a]] {
                let words = Array(Set(phrase)).sorted()
                for limit in [3, 30, 3000] {
                    #expect(combined.top(words, phrases: [phrase], limit: limit).best.map(\.paper)
                            == whole.top(words, phrases: [phrase], limit: limit).best.map(\.paper), "\(phrase) \(limit)")
                }
            }
        }
        #expect(compared == 120)
        let segment = try SearchSegment(path: path)
        #expect(try #require(segment.list("alpha")).count > 4 * SearchSegment.blockSize)
    }
}

/// A store ranking from an index file finds what was saved after the file, and ignores a file newer than its database.
@Suite struct SearchIndexFileTests {
    @Test func papersSavedAfterTheFileAreFoundAndAStaleFileIsIgnored() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured(try SearchIndexTests.corpus(), trending: .standard)
            let path = t.folder + "/search.index"
            #expect(try await store.writeSearchSegment(to: path) == 40)
            let expected = try await store.searchHits("gaussian splatting", filters: SearchFilters(limit: 50)).map(\.paper.id.base)
            // Another process, ranking from the file; a paper saved after the file is found by it too.
            let other = try await t.openAnother()
            let fromFile = PaperStore(database: other)
            try fromFile.useSearchIndexFile(path)
            #expect(try await fromFile.searchHits("gaussian splatting", filters: SearchFilters(limit: 50)).map(\.paper.id.base) == expected)
            try await store.savePapers([Paper(id: ArxivID(parsing: "2611.77777")!, title: "Quokka splatting", abstract: "Gaussian splatting of quokkas.")])
            #expect(try await fromFile.searchHits("quokka", filters: SearchFilters()).map(\.paper.id.base) == ["2611.77777"])
            await other.close()
            // A database behind the file (a file from another, or restored from before it): ranked from memory alone.
            try await TestDatabase.with { empty in
                let emptyStore = PaperStore(database: empty.database)
                // Its one paper has a row id the file covers: followed from the file's last id, it would be missed.
                try await emptyStore.savePapers([Paper(id: ArxivID(parsing: "2611.88888")!, title: "Gaussian splatting alone", abstract: "Splats.")])
                try emptyStore.useSearchIndexFile(path)
                #expect(try await emptyStore.searchHits("gaussian splatting", filters: SearchFilters()).map(\.paper.id.base) == ["2611.88888"])
            }
        }
    }

    /// `reindex --search-file` renames a new file over the old; a serving process maps it without a restart (its
    /// watcher asks every few seconds) and follows the rows written after it. A damaged replacement is refused and
    /// the file in use kept.
    @Test func aReplacedFileIsMappedInPlaceOfTheOld() async throws {
        try await TestDatabase.with { t in
            let store = PaperStore(database: t.database)
            try await store.saveFeatured(try SearchIndexTests.corpus(), trending: .standard)
            let path = t.folder + "/search.index"
            #expect(try await store.writeSearchSegment(to: path) == 40)
            let other = try await t.openAnother()
            let serving = PaperStore(database: other)
            try serving.useSearchIndexFile(path)
            let first = try #require(PaperStore.searchIndexFileVersion(path))
            try await store.savePapers([Paper(id: ArxivID(parsing: "2611.77777")!, title: "Quokka splatting", abstract: "Gaussian splatting of quokkas.")])
            #expect(try await store.writeSearchSegment(to: path) == 41)
            let second = try #require(PaperStore.searchIndexFileVersion(path))
            #expect(second != first)
            #expect(try serving.reloadSearchIndexFile(path) == 41)
            try await store.savePapers([Paper(id: ArxivID(parsing: "2611.77778")!, title: "Wombat splatting", abstract: "Gaussian splatting of wombats.")])
            let expected = try await store.searchHits("gaussian splatting", filters: SearchFilters(limit: 50)).map(\.paper.id.base)
            #expect(expected.contains("2611.77777") && expected.contains("2611.77778"))
            #expect(try await serving.searchHits("gaussian splatting", filters: SearchFilters(limit: 50)).map(\.paper.id.base) == expected)
            // A file cut short, renamed over the good one: refused, and the one mapped still answers.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path + ".new"))
            #expect(rename(path + ".new", path) == 0)
            #expect(PaperStore.searchIndexFileVersion(path) != second)
            #expect(throws: StoreError.self) { try serving.reloadSearchIndexFile(path) }
            #expect(try await serving.searchHits("gaussian splatting", filters: SearchFilters(limit: 50)).map(\.paper.id.base) == expected)
            await other.close()
        }
    }
}
