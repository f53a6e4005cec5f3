extension Migrations {
    /// Other programs as readers (issue 29): links a paper's authors set, GitHub stars, generated summaries.
    static let interfaces: [Migration] = [
        Migration(number: 43, name: "paper_links_and_stars",
                  why: "A confirmed author may set the paper's code and project links, which imports then leave alone; a scheduled job keeps each GitHub repository's stars (and the ETag it asks again with), copied onto its papers for cards and sorting.",
                  statements: [
                    "ALTER TABLE papers ADD COLUMN links_by_author INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE papers ADD COLUMN github_stars INTEGER",
                    """
                    CREATE TABLE github_repos (
                      repo TEXT PRIMARY KEY,
                      stars INTEGER,
                      etag TEXT,
                      status INTEGER NOT NULL,
                      checked_at BIGINT NOT NULL)
                    """,
                  ]),
    ]
}
