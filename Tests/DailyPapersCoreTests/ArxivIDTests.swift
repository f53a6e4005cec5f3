import DailyPapersCore
import Testing

@Suite struct ArxivIDTests {
    @Test(arguments: [
        ("2412.01981", "2412.01981", nil as Int?),
        ("2412.01981v2", "2412.01981", 2),
        ("0704.0001", "0704.0001", nil),
        ("arXiv:2412.01981v1", "2412.01981", 1),
        ("hep-th/9901001", "hep-th/9901001", nil),
        ("hep-th/9901001v3", "hep-th/9901001", 3),
        ("math.GT/0309136", "math.GT/0309136", nil),
        ("https://arxiv.org/abs/2412.01981", "2412.01981", nil),
        ("http://arxiv.org/abs/2412.01981v2", "2412.01981", 2),
        ("https://arxiv.org/pdf/2412.01981v2.pdf", "2412.01981", 2),
        ("https://arxiv.org/pdf/2412.01981", "2412.01981", nil),
        ("https://www.arxiv.org/abs/hep-th/9901001", "hep-th/9901001", nil),
        ("https://export.arxiv.org/abs/2412.01981?context=cs", "2412.01981", nil),
        ("  2412.01981 \n", "2412.01981", nil),
    ])
    func parsesValidIDs(text: String, base: String, version: Int?) throws {
        let id = try #require(ArxivID(parsing: text))
        #expect(id.base == base)
        #expect(id.version == version)
    }

    @Test(arguments: ["", "2412", "2413.01981", "2412.019", "2412.019811", "2412.01981v", "2412.01981vx",
                      "hep-th/990100", "HEP-TH/9901001", "hep-th/9913001", "https://example.com/abs/2412.01981",
                      "'; DROP TABLE papers; --", "<script>", "2412.01981/../../etc"])
    func rejectsInvalidIDs(text: String) {
        #expect(ArxivID(parsing: text) == nil)
    }

    @Test func versionedFormKeepsVersion() {
        #expect(ArxivID(parsing: "2412.01981v3")?.versioned == "2412.01981v3")
        #expect(ArxivID(parsing: "hep-th/9901001")?.isOldStyle == true)
    }
}
