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
        Migration(number: 44, name: "generated_summaries",
                  why: "An instance may have featured papers without a summary summarised by a model it configures: such summaries are marked as generated (a later import's own summary replaces one), and each paper's attempts are kept so a failing endpoint is not asked again and again, and the hourly budget holds across processes.",
                  statements: [
                    "ALTER TABLE papers ADD COLUMN ai_summary_generated INTEGER NOT NULL DEFAULT 0",
                    """
                    CREATE TABLE summary_attempts (
                      paper_id TEXT PRIMARY KEY REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      attempts INTEGER NOT NULL,
                      last_attempt_at BIGINT NOT NULL,
                      outcome TEXT NOT NULL)
                    """,
                    "CREATE INDEX summary_attempts_at ON summary_attempts (last_attempt_at)",
                  ]),
        Migration(number: 45, name: "create_fediverse",
                  why: "The fediverse: the instance's signing key, remote accounts following its actors (and their inboxes), remote actors' public keys, which papers each actor has published (so each is announced once), and a durable queue of signed deliveries, one row per inbox and activity, retried with backoff across restarts.",
                  statements: [
                    """
                    CREATE TABLE ap_keys (
                      name TEXT PRIMARY KEY,
                      private_pem TEXT NOT NULL,
                      public_pem TEXT NOT NULL,
                      created_at BIGINT NOT NULL)
                    """,
                    """
                    CREATE TABLE ap_followers (
                      actor TEXT NOT NULL,
                      follower TEXT NOT NULL,
                      inbox TEXT NOT NULL,
                      follow_id TEXT NOT NULL,
                      created_at BIGINT NOT NULL,
                      PRIMARY KEY (actor, follower))
                    """,
                    "CREATE INDEX ap_followers_inbox ON ap_followers (inbox)",
                    """
                    CREATE TABLE ap_remote_actors (
                      id TEXT PRIMARY KEY,
                      inbox TEXT NOT NULL,
                      shared_inbox TEXT,
                      key_id TEXT NOT NULL,
                      public_pem TEXT NOT NULL,
                      fetched_at BIGINT NOT NULL)
                    """,
                    """
                    CREATE TABLE ap_published (
                      actor TEXT NOT NULL,
                      paper_id TEXT NOT NULL,
                      published_at BIGINT NOT NULL,
                      PRIMARY KEY (actor, paper_id))
                    """,
                    """
                    CREATE TABLE ap_deliveries (
                      id INTEGER PRIMARY KEY,
                      inbox TEXT NOT NULL,
                      activity_id TEXT NOT NULL,
                      activity TEXT NOT NULL,
                      attempts INTEGER NOT NULL DEFAULT 0,
                      next_attempt_at BIGINT NOT NULL,
                      created_at BIGINT NOT NULL,
                      last_error TEXT,
                      UNIQUE (inbox, activity_id))
                    """,
                    "CREATE INDEX ap_deliveries_due ON ap_deliveries (next_attempt_at)",
                  ]),
    ]
}
