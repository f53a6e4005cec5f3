import Testing
@testable import DailyPapersCore

/// "For you"'s ranking: papers like the reader's come first, each with the paper it is most like; a reader of two
/// topics is served both; "not interested" pushes the paper's neighbourhood below everything else.
@Suite struct ReaderProfileTests {
    static func v(_ words: String) -> ReaderProfile.Vector { ReaderProfile.vector(keywords: words.split(separator: " ").map(String.init)) }

    @Test func papersLikeTheReadersComeFirstWithTheirReason() {
        let profile = ReaderProfile(positives: [Self.v("diffusion video generation temporal"), Self.v("protein folding structure")])
        let candidates = [Self.v("reinforcement learning reward"), Self.v("video diffusion temporal consistency"),
                          Self.v("protein structure prediction"), Self.v("tax law")]
        let ranked = profile.rank(candidates)
        #expect(Set(ranked.prefix(2).map(\.index)) == [1, 2])
        #expect(ranked.first { $0.index == 1 }?.scored.because == 0 && ranked.first { $0.index == 2 }?.scored.because == 1)
        #expect(ranked.first { $0.index == 3 }?.scored.because == nil)
        #expect(ReaderProfile(positives: []).isEmpty)
    }

    @Test func notInterestedPushesTheNeighbourhoodDown() {
        let positives = [Self.v("video diffusion generation"), Self.v("video editing diffusion"), Self.v("language model reasoning")]
        let candidates = ["video diffusion avatars", "video diffusion talking heads", "video diffusion dance", "language model math reasoning",
                          "language model code reasoning", "graph theory", "video diffusion sports"].map(Self.v)
        let before = ReaderProfile(positives: positives).rank(candidates)
        #expect(before.first.map { [0, 1, 2, 6].contains($0.index) } == true)
        // Turned away: video diffusion, three times. Its neighbours fall below every other paper.
        let away = [Self.v("video diffusion avatars motion"), Self.v("video diffusion faces"), Self.v("video diffusion humans")]
        let after = ReaderProfile(positives: positives, negatives: away).rank(candidates)
        let nearness = candidates.map { c in away.map { ReaderProfile.similarity(c, $0) }.max()! }
        let median = nearness.sorted()[nearness.count / 2]
        let lastNear = after.lastIndex { nearness[$0.index] > median }!, firstFar = after.firstIndex { nearness[$0.index] <= median }!
        #expect(firstFar < lastNear && after.prefix(while: { nearness[$0.index] <= median }).count == nearness.filter { $0 <= median }.count)
        #expect(after.first?.index == 3 || after.first?.index == 4)
    }

    @Test func vectorsAreUnitLengthAndWeighRankedKeywordsDownward() {
        let vector = Self.v("alpha beta gamma alpha")
        #expect(abs(vector.values.reduce(0) { $0 + $1 * $1 } - 1) < 1e-9)
        #expect(vector["alpha"]! > vector["beta"]! && vector["beta"]! > vector["gamma"]!)
        #expect(ReaderProfile.vector(keywords: []).isEmpty)
        #expect(abs(ReaderProfile.similarity(vector, vector) - 1) < 1e-9)
    }
}
