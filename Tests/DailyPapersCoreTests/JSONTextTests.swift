import DailyPapersCore
import Foundation
import Testing

@Suite struct JSONTextTests {
    @Test(arguments: [[], ["plain"], ["a \"quoted\" \\ word", "line\nbreak\ttab", "\u{1}ctrl", "é ü 中文 🙂"], ["", " "]])
    func aStringListReadsBackAsWritten(_ items: [String]) throws {
        let text = JSONText.stringArray(items)
        #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == items)
    }
}
