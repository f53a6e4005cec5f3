/// A member's own sections of a digest, after the trending papers. A delivery's plan keeps them in its paper list
/// after a marker each, so a run that picks up a planned row sends the same mail.
enum DigestSection: String, CaseIterable, Sendable {
    case forYou = "for-you", following

    /// Papers a section holds at most.
    static let size = 3

    /// Never an arXiv id: a '#' stands in none.
    var marker: String { "#" + rawValue }

    var title: String {
        switch self {
        case .forYou: "For you"
        case .following: "From what you follow"
        }
    }

    /// A plan's list as the trending papers and each section's.
    static func split(_ list: [String]) -> (main: [String], sections: [(section: DigestSection, papers: [String])]) {
        var main: [String] = [], sections: [(section: DigestSection, papers: [String])] = []
        for entry in list {
            if entry.hasPrefix("#") {
                if let section = DigestSection(rawValue: String(entry.dropFirst())) { sections.append((section, [])) }
            } else if sections.isEmpty {
                main.append(entry)
            } else {
                sections[sections.count - 1].papers.append(entry)
            }
        }
        return (main, sections)
    }
}
