/// Porter's suffix-stripping algorithm (M. F. Porter, 1980, with the later "bli"/"logi" rules of step 2),
/// applied as SQLite FTS5's `porter` tokenizer applies it: to lower-case tokens of 3 to 64 bytes, any
/// other byte counting as a consonant. The search index stems words with this so that a word matches
/// the same papers there as in FTS5 (`SearchTokenizerTests` compares the two on real abstracts).
public enum PorterStemmer {
    public static func stem(_ token: [UInt8]) -> [UInt8] {
        guard token.count >= 3, token.count <= 64 else { return token }
        var w = Word(bytes: token)
        w.step1a()
        w.step1b()
        if w.last == y, w.hasVowel(before: w.count - 1) { w.bytes[w.count - 1] = i }
        w.step2()
        w.step3()
        w.step4()
        w.step5()
        return w.bytes
    }
}

private let a = UInt8(ascii: "a"), e = UInt8(ascii: "e"), i = UInt8(ascii: "i"), o = UInt8(ascii: "o")
private let u = UInt8(ascii: "u"), y = UInt8(ascii: "y"), s = UInt8(ascii: "s"), l = UInt8(ascii: "l")

private struct Word {
    var bytes: [UInt8]
    var count: Int { bytes.count }
    var last: UInt8? { bytes.last }

    func isConsonant(_ k: Int) -> Bool {
        switch bytes[k] {
        case a, e, i, o, u: return false
        case y: return k == 0 ? true : !isConsonant(k - 1)
        default: return true
        }
    }

    /// m: the number of vowel-consonant sequences in the first `n` bytes.
    func measure(_ n: Int) -> Int {
        var m = 0, k = 0
        while k < n, isConsonant(k) { k += 1 }
        while k < n {
            while k < n, !isConsonant(k) { k += 1 }
            guard k < n else { break }
            m += 1
            while k < n, isConsonant(k) { k += 1 }
        }
        return m
    }

    func hasVowel(before n: Int) -> Bool { (0..<n).contains { !isConsonant($0) } }

    /// *d: the first `n` bytes end in a double consonant.
    func endsDouble(_ n: Int) -> Bool { n >= 2 && bytes[n - 1] == bytes[n - 2] && isConsonant(n - 1) }

    /// *o: the first `n` bytes end consonant-vowel-consonant, the last not w, x or y.
    func endsCVC(_ n: Int) -> Bool {
        guard n >= 3, isConsonant(n - 3), !isConsonant(n - 2), isConsonant(n - 1) else { return false }
        let c = bytes[n - 1]
        return c != UInt8(ascii: "w") && c != UInt8(ascii: "x") && c != y
    }

    /// Suffixes and rules as bytes, made once: a stem is asked for every new word of a bulk import, and making
    /// an array of each suffix at every test was most of its time.
    typealias Rule = (suffix: [UInt8], replacement: [UInt8])

    static func rules(_ pairs: [(String, String)]) -> [Rule] {
        pairs.map { (Array($0.0.utf8), Array($0.1.utf8)) }.sorted { $0.suffix.count > $1.suffix.count }
    }

    static let sses = Array("sses".utf8), ies = Array("ies".utf8), eed = Array("eed".utf8)
    static let step1bSuffixes = [Array("ed".utf8), Array("ing".utf8)]
    static let at = Array("at".utf8), bl = Array("bl".utf8), iz = Array("iz".utf8), ion = Array("ion".utf8)

    func ends(_ t: [UInt8]) -> Bool {
        count > t.count && bytes[(count - t.count)...].elementsEqual(t)
    }

    /// The first rule whose suffix the word ends with decides: replaced when the stem before it has a
    /// measure above `minimum`, otherwise the word stays as it is (no shorter suffix is tried).
    mutating func applyFirst(_ rules: [Rule], minimum: Int) {
        for (suffix, replacement) in rules where ends(suffix) {
            if measure(count - suffix.count) > minimum {
                bytes.removeLast(suffix.count)
                bytes.append(contentsOf: replacement)
            }
            return
        }
    }

    mutating func step1a() {
        guard last == s, count >= 2 else { return }
        if ends(Self.sses) || ends(Self.ies) { bytes.removeLast(2) } else if bytes[count - 2] != s { bytes.removeLast() }
    }

    mutating func step1b() {
        if ends(Self.eed) {
            if measure(count - 3) > 0 { bytes.removeLast() }
            return
        }
        var removed = false
        for suffix in Self.step1bSuffixes where ends(suffix) && hasVowel(before: count - suffix.count) {
            bytes.removeLast(suffix.count)
            removed = true
            break
        }
        guard removed else { return }
        if ends(Self.at) || ends(Self.bl) || ends(Self.iz) {
            bytes.append(e)
        } else if endsDouble(count), let c = last, c != l, c != s, c != UInt8(ascii: "z") {
            bytes.removeLast()
        } else if measure(count) == 1, endsCVC(count) {
            bytes.append(e)
        }
    }

    static let step2Rules = rules([("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
                                   ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
                                   ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
                                   ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
                                   ("logi", "log")])
    static let step3Rules = rules([("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""),
                                   ("ness", "")])

    mutating func step2() { applyFirst(Self.step2Rules, minimum: 0) }

    mutating func step3() { applyFirst(Self.step3Rules, minimum: 0) }

    mutating func step4() {
        // "ion" only after s or t; checked before the longest-match rule, as it is a condition on the stem.
        for suffix in Self.step4Suffixes where ends(suffix) {
            let stem = count - suffix.count
            guard measure(stem) > 1 else { return }
            if suffix == Self.ion, !(bytes[stem - 1] == s || bytes[stem - 1] == UInt8(ascii: "t")) { return }
            bytes.removeLast(suffix.count)
            return
        }
    }

    static let step4Suffixes = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion",
                                "ou", "ism", "ate", "iti", "ous", "ive", "ize"].sorted { $0.utf8.count > $1.utf8.count }.map { Array($0.utf8) }

    mutating func step5() {
        if last == e {
            let m = measure(count - 1)
            if m > 1 || (m == 1 && !endsCVC(count - 1)) { bytes.removeLast() }
        }
        if last == l, endsDouble(count), measure(count - 1) > 1 { bytes.removeLast() }
    }
}
