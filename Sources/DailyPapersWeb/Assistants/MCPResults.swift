import DailyPapersCore
import DailyPapersStore

// What the tools answer, kept small: a list carries ids, titles and one line each, and says how to get more
// (`next_offset`, get_paper); one paper's details come only when asked for.

/// A paper in a list.
struct PaperLine: Encodable {
    let id: String
    let title: String
    let summary: String
    /// The day it was on the daily feed, if it was.
    let featured: String?
    let upvotes: Int?
    /// Its GitHub repository's stars, when known.
    let stars: Int?
    let url: String
    var similarity: Double?
    var note: String?

    init(_ paper: Paper, featured: FeaturedPaper?, site: SiteInfo, similarity: Double? = nil, note: String? = nil) {
        id = paper.id.base
        title = TextHelpers.unwrap(paper.title)
        summary = paper.oneLine()
        self.featured = featured?.day.iso
        upvotes = featured?.upvotes
        stars = paper.githubStars
        url = site.publicURL + SiteRoute.paper(paper.id).path
        self.similarity = similarity
        self.note = note.flatMap { $0.isEmpty ? nil : $0 }
    }
}

struct PaperList: Encodable {
    /// The feed's day, week or month, for list_papers.
    let period: String?
    let papers: [PaperLine]
    let nextOffset: Int?
    enum CodingKeys: String, CodingKey { case period, papers, nextOffset = "next_offset" }
}

/// One paper, in full.
struct PaperDetails: Encodable {
    struct Links: Encodable {
        let arxiv: String
        let pdf: String
        let code: String?
        /// Stars of the code's GitHub repository, when known.
        let stars: Int?
        let projectPage: String?
        let page: String
        enum CodingKeys: String, CodingKey { case arxiv, pdf, code, stars, projectPage = "project_page", page }
    }
    struct Featuring: Encodable {
        let day: String
        let upvotes: Int
        let comments: Int
        let submittedBy: String?
        enum CodingKeys: String, CodingKey { case day, upvotes, comments, submittedBy = "submitted_by" }
    }

    let id: String
    let version: String
    let title: String
    let authors: [String]
    let published: String?
    let updated: String?
    let categories: [String]
    let abstract: String
    let summary: String?
    let keywords: [String]
    let links: Links
    let featured: Featuring?

    init(_ record: PaperRecord, site: SiteInfo) {
        let p = record.paper
        let links = p.links
        id = p.id.base
        version = p.id.versioned
        title = TextHelpers.unwrap(p.title)
        authors = p.authors.filter { !$0.hidden }.map(\.name)
        published = p.firstVersionAt.map { String($0.iso8601.prefix(10)) }
        updated = p.latestVersionAt.map { String($0.iso8601.prefix(10)) }
        categories = p.categories
        abstract = TextHelpers.unwrap(p.abstract)
        summary = p.aiSummary
        keywords = p.aiKeywords
        self.links = Links(arxiv: links.abstract, pdf: links.pdf, code: links.code, stars: p.githubStars, projectPage: links.projectPage,
                           page: site.publicURL + SiteRoute.paper(p.id).path)
        featured = record.featured.map {
            Featuring(day: $0.day.iso, upvotes: $0.upvotes, comments: $0.numComments, submittedBy: $0.submittedBy?.username)
        }
    }
}

struct CollectionLine: Encodable {
    let slug: String
    let name: String
    let papers: Int
    let isPublic: Bool
    let saved: Bool
    enum CodingKeys: String, CodingKey { case slug, name, papers, isPublic = "public", saved }

    init(_ c: CollectionStore.Collection) {
        slug = c.isSaved ? CollectionAPIRoutes.savedSlug : c.slug
        name = c.name
        papers = c.paperCount
        isPublic = c.isPublic
        saved = c.isSaved
    }
}

struct CollectionList: Encodable {
    let collections: [CollectionLine]
    let nextOffset: Int?
    enum CodingKeys: String, CodingKey { case collections, nextOffset = "next_offset" }
}

struct CollectionPapers: Encodable {
    let collection: CollectionLine
    let papers: [PaperLine]
    let nextOffset: Int?
    enum CodingKeys: String, CodingKey { case collection, papers, nextOffset = "next_offset" }
}

struct SaveAnswer: Encodable {
    let paper: String
    let collection: String
    /// False when it was there already (its note is set if one was given).
    let added: Bool
}
