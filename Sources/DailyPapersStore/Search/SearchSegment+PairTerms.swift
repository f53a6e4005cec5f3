import DailyPapersCore

/// Phrases of common words, answered from lists of word pairs. A phrase is otherwise told by its words' positions,
/// read for every paper holding all its words: for `Multi-Adapter Representation` at 2.5 M papers, three lists of
/// 0.7-1.0 M postings intersected and each paper in all three checked (73 ms warm). The file also holds, for every
/// two common words standing side by side in a field of some paper, a list of those papers (no impacts, no
/// positions), which is as short as the phrase is rare. Common: in at least 10% of the first 20,000 papers
/// (`SearchSegmentWriter.commonTerms`); each is marked in the file by an empty list, so a search knows that a pair of
/// two marked words missing from the file stands side by side in none of its papers. Both names start with a
/// control character: they sort apart from the words, and no word or prefix a search asks for can reach them.
extension SearchSegment {
    static func pairTerm(_ first: String, _ second: String) -> String { "\u{1}" + first + " " + second }
    static func commonMark(_ term: String) -> String { "\u{2}" + term }

    /// How a walk over the file answers a query's phrases: lists that every paper holding them is in (`filters`), the
    /// phrases still told by positions (`positional`: those of three words or more, and those with a word that is not
    /// common), and whether no paper of the file can hold them (`none`).
    struct PhrasePlan {
        var filters: [List] = []
        var positional: [[String]] = []
        var none = false
    }

    func plan(_ phrases: [[String]]) -> PhrasePlan {
        var plan = PhrasePlan()
        for phrase in phrases {
            var paired = true
            for k in phrase.indices.dropFirst() {
                guard list(Self.commonMark(phrase[k - 1])) != nil, list(Self.commonMark(phrase[k])) != nil else {
                    paired = false
                    continue
                }
                guard let pair = list(Self.pairTerm(phrase[k - 1], phrase[k])), pair.count > 0 else {
                    plan.none = true
                    return plan
                }
                plan.filters.append(pair)
            }
            // Two words side by side are the phrase itself; more must still stand in order, one after the other.
            if !(paired && phrase.count == 2) { plan.positional.append(phrase) }
        }
        return plan
    }
}
