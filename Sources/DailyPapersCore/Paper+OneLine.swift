extension Paper {
    /// The paper in one line for a list a program reads (an assistant's tool result): the first sentence of its
    /// summary, or of its abstract when it has none, at most `limit` characters.
    public func oneLine(limit: Int = 200) -> String {
        let source = TextHelpers.unwrap(aiSummary.flatMap { $0.isEmpty ? nil : $0 } ?? abstract)
        return TextHelpers.excerpt(Self.firstSentence(source), limit: limit)
    }

    /// Up to the first ". " that follows a lowercase letter or a digit (so "e.g. " and "Fig. 2" do not end it
    /// early as often); the whole text when there is none.
    static func firstSentence(_ text: String) -> String {
        var previous: Character = " "
        var index = text.startIndex
        while index < text.endIndex {
            let ch = text[index]
            let next = text.index(after: index)
            if ch == ".", previous.isLowercase || previous.isNumber, next < text.endIndex, text[next] == " " {
                let head = text[..<next]
                if !head.hasSuffix("e.g.") && !head.hasSuffix("i.e.") && !head.hasSuffix("et al.") { return String(head) }
            }
            previous = ch
            index = next
        }
        return text
    }
}
