/// The schema's history. Append only: a released migration is never edited, a later one changes it.
/// Timestamps are BIGINT milliseconds since 1970 (UTC) and days are TEXT `YYYY-MM-DD`, both portable
/// and both sorting correctly; booleans are INTEGER 0/1 for the same reason.
public enum Migrations {
    public static let all: [Migration] = [
        Migration(number: 1, name: "create_users",
                  why: "Accounts: submitters and claimed authors imported from Hugging Face, later local members.",
                  statements: ["""
                    CREATE TABLE users (
                      id INTEGER PRIMARY KEY,
                      username TEXT NOT NULL UNIQUE,
                      fullname TEXT NOT NULL,
                      hf_id TEXT,
                      avatar_url TEXT,
                      kind TEXT NOT NULL DEFAULT 'user',
                      is_pro INTEGER NOT NULL DEFAULT 0,
                      created_at BIGINT NOT NULL)
                    """]),
        Migration(number: 2, name: "create_papers",
                  why: "Papers as arXiv knows them, keyed by the version-less arXiv id.",
                  statements: ["""
                    CREATE TABLE papers (
                      arxiv_id TEXT PRIMARY KEY,
                      version INTEGER,
                      title TEXT NOT NULL,
                      abstract TEXT NOT NULL,
                      primary_category TEXT,
                      first_version_at BIGINT,
                      latest_version_at BIGINT,
                      comment TEXT,
                      journal_ref TEXT,
                      doi TEXT,
                      github_repo TEXT,
                      project_page TEXT,
                      thumbnail_url TEXT,
                      ai_summary TEXT,
                      ai_keywords TEXT NOT NULL DEFAULT '[]',
                      discussion_id TEXT,
                      created_at BIGINT NOT NULL)
                    """]),
        Migration(number: 3, name: "create_paper_authors",
                  why: "Ordered authors, one row each, so author pages and author filters need no JSON parsing.",
                  statements: ["""
                    CREATE TABLE paper_authors (
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      position INTEGER NOT NULL,
                      name TEXT NOT NULL,
                      hf_id TEXT,
                      hidden INTEGER NOT NULL DEFAULT 0,
                      user_id INTEGER REFERENCES users(id),
                      status TEXT,
                      status_changed_at BIGINT,
                      PRIMARY KEY (paper_id, position))
                    """, "CREATE INDEX paper_authors_name ON paper_authors (name)"]),
        Migration(number: 4, name: "create_paper_categories",
                  why: "A cross-listed paper is one paper in several categories; position 0 is the primary one.",
                  statements: ["""
                    CREATE TABLE paper_categories (
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      position INTEGER NOT NULL,
                      category TEXT NOT NULL,
                      PRIMARY KEY (paper_id, category))
                    """, "CREATE INDEX paper_categories_category ON paper_categories (category, paper_id)"]),
        Migration(number: 5, name: "create_featured",
                  why: "A paper's life on the daily feed: its day, submitter, votes and comments, and trending score.",
                  statements: ["""
                    CREATE TABLE featured (
                      paper_id TEXT PRIMARY KEY REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      day TEXT NOT NULL,
                      submitted_at BIGINT NOT NULL,
                      submitted_by INTEGER REFERENCES users(id),
                      upvotes INTEGER NOT NULL DEFAULT 0,
                      imported_upvotes INTEGER NOT NULL DEFAULT 0,
                      num_comments INTEGER NOT NULL DEFAULT 0,
                      imported_comments INTEGER NOT NULL DEFAULT 0,
                      is_author_participating INTEGER NOT NULL DEFAULT 0,
                      trending_score DOUBLE PRECISION NOT NULL DEFAULT 0,
                      hidden INTEGER NOT NULL DEFAULT 0)
                    """,
                    "CREATE INDEX featured_day_upvotes ON featured (day, upvotes DESC)",
                    "CREATE INDEX featured_trending ON featured (trending_score DESC)",
                    "CREATE INDEX featured_submitted_at ON featured (submitted_at DESC)",
                    "CREATE INDEX featured_submitted_by ON featured (submitted_by)"]),
        Migration(number: 6, name: "create_site_state",
                  why: "A content version bumped by every write, so each web process knows when its cached pages are stale.",
                  statements: [
                    "CREATE TABLE site_state (key TEXT PRIMARY KEY, value BIGINT NOT NULL)",
                    "INSERT INTO site_state (key, value) VALUES ('content_version', 0)"]),
        Migration(number: 7, name: "add_author_affiliations",
                  why: "arXiv's API and OAI-PMH give affiliations per author; kept as a JSON array.",
                  statements: ["ALTER TABLE paper_authors ADD COLUMN affiliations TEXT NOT NULL DEFAULT '[]'"]),
        Migration(number: 8, name: "create_harvest_state",
                  why: "Incremental harvesting: where each source stopped, so a restart resumes there.",
                  statements: ["""
                    CREATE TABLE harvest_state (
                      source TEXT PRIMARY KEY,
                      last_datestamp TEXT,
                      resumption_token TEXT,
                      updated_at BIGINT NOT NULL)
                    """]),
        Migration(number: 9, name: "add_papers_withdrawn",
                  why: "OAI-PMH reports deleted records; the paper is hidden rather than its history lost.",
                  statements: ["ALTER TABLE papers ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0"]),
        Migration(number: 10, name: "index_papers_created_at",
                  why: "Automatic featuring looks at the papers ingested most recently.",
                  statements: ["CREATE INDEX papers_created_at ON papers (created_at)"]),
        Migration(number: 11, name: "create_upvote_history",
                  why: "A point each time a paper's upvote count is seen to change, for the sparkline on its page.",
                  statements: ["""
                    CREATE TABLE upvote_history (
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      at BIGINT NOT NULL,
                      upvotes INTEGER NOT NULL,
                      PRIMARY KEY (paper_id, at))
                    """]),
        Migration(number: 12, name: "create_papers_fts",
                  why: "Ranked full-text search (SQLite FTS5, bm25) over titles, abstracts and authors; filled from existing papers.",
                  statements: [
                    """
                    CREATE VIRTUAL TABLE papers_fts USING fts5(
                      arxiv_id UNINDEXED, title, abstract, authors, tokenize = 'porter unicode61 remove_diacritics 2')
                    """,
                    """
                    INSERT INTO papers_fts (arxiv_id, title, abstract, authors)
                    SELECT p.arxiv_id, p.title, p.abstract,
                      COALESCE((SELECT group_concat(a.name, ', ') FROM paper_authors a WHERE a.paper_id = p.arxiv_id), '')
                    FROM papers p
                    """],
                  postgres: [
                    // A stored tsvector with the title weighted A, authors B, the abstract C, and a GIN index.
                    """
                    CREATE TABLE papers_fts (
                      arxiv_id TEXT PRIMARY KEY REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      title TEXT NOT NULL, abstract TEXT NOT NULL, authors TEXT NOT NULL,
                      document tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('english', title), 'A') ||
                        setweight(to_tsvector('english', authors), 'B') ||
                        setweight(to_tsvector('english', abstract), 'C')) STORED)
                    """,
                    "CREATE INDEX papers_fts_document ON papers_fts USING GIN (document)",
                    """
                    INSERT INTO papers_fts (arxiv_id, title, abstract, authors)
                    SELECT p.arxiv_id, p.title, p.abstract,
                      COALESCE((SELECT string_agg(a.name, ', ' ORDER BY a.position) FROM paper_authors a WHERE a.paper_id = p.arxiv_id), '')
                    FROM papers p
                    """]),
        Migration(number: 13, name: "add_user_accounts",
                  why: "Local members: email, password hash (bcrypt), role, verification and bans on the users imported ones share.",
                  statements: [
                    "ALTER TABLE users ADD COLUMN email TEXT",
                    "ALTER TABLE users ADD COLUMN email_verified_at BIGINT",
                    "ALTER TABLE users ADD COLUMN password_hash TEXT",
                    "ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member'",
                    "ALTER TABLE users ADD COLUMN banned_at BIGINT",
                    "ALTER TABLE users ADD COLUMN ban_reason TEXT",
                    "CREATE UNIQUE INDEX users_email ON users (email)"]),
        Migration(number: 14, name: "create_sessions",
                  why: "Sign-in sessions in the database, so every web process knows them; only a hash of the cookie is kept.",
                  statements: ["""
                    CREATE TABLE sessions (
                      token_hash TEXT PRIMARY KEY,
                      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      csrf_token TEXT NOT NULL,
                      created_at BIGINT NOT NULL,
                      last_seen_at BIGINT NOT NULL,
                      expires_at BIGINT NOT NULL)
                    """, "CREATE INDEX sessions_user ON sessions (user_id)"]),
        Migration(number: 15, name: "create_account_tokens",
                  why: "One-time links by mail (email verification, password reset), kept as hashes with an expiry.",
                  statements: ["""
                    CREATE TABLE account_tokens (
                      token_hash TEXT PRIMARY KEY,
                      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      purpose TEXT NOT NULL,
                      created_at BIGINT NOT NULL,
                      expires_at BIGINT NOT NULL,
                      used_at BIGINT)
                    """, "CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose)"]),
        Migration(number: 16, name: "create_votes",
                  why: "One upvote per account per paper; the featured row's count is recomputed from these in the same transaction.",
                  statements: ["""
                    CREATE TABLE votes (
                      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      created_at BIGINT NOT NULL,
                      PRIMARY KEY (user_id, paper_id))
                    """, "CREATE INDEX votes_paper ON votes (paper_id)", "CREATE INDEX votes_user ON votes (user_id, created_at)"]),
        Migration(number: 17, name: "create_comments",
                  why: "Threaded discussion under each paper; deletions and moderation keep the row so replies keep their place.",
                  statements: ["""
                    CREATE TABLE comments (
                      id INTEGER PRIMARY KEY,
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      parent_id INTEGER REFERENCES comments(id),
                      user_id INTEGER NOT NULL REFERENCES users(id),
                      body TEXT NOT NULL,
                      created_at BIGINT NOT NULL,
                      edited_at BIGINT,
                      deleted_at BIGINT,
                      hidden_reason TEXT)
                    """, "CREATE INDEX comments_paper ON comments (paper_id, created_at)",
                    "CREATE INDEX comments_user ON comments (user_id, created_at)"]),
        Migration(number: 18, name: "create_moderation",
                  why: "Why a paper was hidden, and a log of every moderator action for the moderation page.",
                  statements: [
                    "ALTER TABLE featured ADD COLUMN hidden_reason TEXT",
                    """
                    CREATE TABLE moderation_log (
                      id INTEGER PRIMARY KEY,
                      at BIGINT NOT NULL,
                      moderator_id INTEGER NOT NULL REFERENCES users(id),
                      action TEXT NOT NULL,
                      target TEXT NOT NULL,
                      reason TEXT NOT NULL)
                    """, "CREATE INDEX moderation_log_at ON moderation_log (at)"]),
        Migration(number: 19, name: "create_author_claims",
                  why: "A member says they wrote a paper; an admin confirms, and the paper page and API show it.",
                  statements: ["""
                    CREATE TABLE author_claims (
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      author_position INTEGER NOT NULL,
                      status TEXT NOT NULL,
                      created_at BIGINT NOT NULL,
                      decided_at BIGINT,
                      decided_by INTEGER REFERENCES users(id),
                      PRIMARY KEY (paper_id, user_id))
                    """, "CREATE INDEX author_claims_status ON author_claims (status, created_at)"]),
        Migration(number: 20, name: "add_counts_version",
                  why: "Votes and comments bump their own version, so cached pages can show counts a moment old instead of re-rendering on every vote.",
                  statements: ["INSERT INTO site_state (key, value) VALUES ('counts_version', 0)"]),
        Migration(number: 21, name: "create_subscriptions",
                  why: "Digest subscribers: double opt-in state, preferences, the unguessable token of their links, hard bounces.",
                  statements: ["""
                    CREATE TABLE subscriptions (
                      id INTEGER PRIMARY KEY,
                      email TEXT NOT NULL UNIQUE,
                      user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                      status TEXT NOT NULL,
                      frequency TEXT NOT NULL,
                      size INTEGER NOT NULL,
                      categories TEXT NOT NULL DEFAULT '[]',
                      keywords TEXT NOT NULL DEFAULT '[]',
                      authors TEXT NOT NULL DEFAULT '[]',
                      send_when_empty INTEGER NOT NULL DEFAULT 0,
                      manage_token TEXT NOT NULL UNIQUE,
                      confirm_token_hash TEXT,
                      confirm_expires_at BIGINT,
                      confirm_sent_at BIGINT,
                      hard_failures INTEGER NOT NULL DEFAULT 0,
                      created_at BIGINT NOT NULL,
                      confirmed_at BIGINT,
                      unsubscribed_at BIGINT)
                    """, "CREATE INDEX subscriptions_status ON subscriptions (status, frequency)"]),
        Migration(number: 22, name: "create_deliveries",
                  why: "One row per subscriber and period, planned before sending: the key that makes a digest impossible to send twice.",
                  statements: ["""
                    CREATE TABLE deliveries (
                      subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
                      period TEXT NOT NULL,
                      status TEXT NOT NULL,
                      message_id TEXT NOT NULL,
                      papers TEXT NOT NULL DEFAULT '[]',
                      attempts INTEGER NOT NULL DEFAULT 0,
                      last_error TEXT,
                      created_at BIGINT NOT NULL,
                      updated_at BIGINT NOT NULL,
                      PRIMARY KEY (subscription_id, period))
                    """, "CREATE INDEX deliveries_updated ON deliveries (updated_at)",
                    "CREATE INDEX deliveries_period_status ON deliveries (period, status)"]),
        Migration(number: 23, name: "create_job_leases",
                  why: "Several serve processes on one database: a scheduled job runs in the one process holding its lease, which expires if that process dies.",
                  statements: ["""
                    CREATE TABLE job_leases (
                      name TEXT PRIMARY KEY,
                      holder TEXT NOT NULL,
                      expires_at BIGINT NOT NULL)
                    """]),
        Migration(number: 24, name: "create_paper_terms",
                  why: "Similar papers and keywords: each paper's heaviest tf-idf terms (unit-length weights, so a sum of products is a cosine), and how many papers hold each term.",
                  statements: [
                    """
                    CREATE TABLE paper_terms (
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      term TEXT NOT NULL,
                      weight DOUBLE PRECISION NOT NULL,
                      PRIMARY KEY (paper_id, term))
                    """,
                    "CREATE INDEX paper_terms_term ON paper_terms (term, paper_id, weight)",
                    "CREATE TABLE term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL)",
                    "INSERT INTO site_state (key, value) VALUES ('indexed_papers', 0)"]),
        Migration(number: 25, name: "unique_member_usernames_without_case",
                  why: "Sign-up checks lower(username) before inserting, but two processes signing up Alice and alice at once could both pass the check; the index makes the database refuse the second. Members only (they have a password): names imported from Hugging Face differ only in case in its own data (renamed accounts).",
                  statements: ["CREATE UNIQUE INDEX users_member_name ON users (lower(username)) WHERE password_hash IS NOT NULL"]),
        Migration(number: 26, name: "create_search_documents",
                  why: "The common search (words, best first) is answered by an index each process holds in memory (SearchMemory); it loads and follows this table: each paper's terms with their weighted counts and in order (phrases), a new id every time a paper is indexed again. Papers already stored are indexed by the first server that starts (search_pending until then).",
                  statements: [
                    """
                    CREATE TABLE search_documents (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      paper_id TEXT NOT NULL UNIQUE REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      length INTEGER NOT NULL,
                      terms TEXT NOT NULL,
                      sequence TEXT NOT NULL)
                    """,
                    "INSERT INTO site_state (key, value) SELECT 'search_pending', CASE WHEN EXISTS (SELECT 1 FROM papers) THEN 1 ELSE 0 END",
                  ],
                  postgres: [
                    """
                    CREATE TABLE search_documents (
                      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                      paper_id TEXT NOT NULL UNIQUE REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      length INTEGER NOT NULL,
                      terms TEXT NOT NULL,
                      sequence TEXT NOT NULL)
                    """,
                    "INSERT INTO site_state (key, value) SELECT 'search_pending', CASE WHEN EXISTS (SELECT 1 FROM papers) THEN 1 ELSE 0 END",
                  ]),
        Migration(number: 27, name: "create_papers_fts_keys",
                  why: "Re-indexing a paper in FTS5 deleted its old row by arxiv_id, an UNINDEXED column, which scans the whole table: once per 200 papers, an import grew quadratic (560 papers/s at 75,000, hours at 2.5 M). Each paper gets a stable FTS5 rowid (an INTEGER PRIMARY KEY, which VACUUM keeps, unlike papers.rowid), taken from the rows already there. PostgreSQL's papers_fts has arxiv_id as its primary key and needs nothing.",
                  statements: [
                    """
                    CREATE TABLE papers_fts_keys (
                      id INTEGER PRIMARY KEY,
                      arxiv_id TEXT NOT NULL UNIQUE REFERENCES papers(arxiv_id) ON DELETE CASCADE)
                    """,
                    "INSERT OR IGNORE INTO papers_fts_keys (id, arxiv_id) SELECT rowid, arxiv_id FROM papers_fts",
                  ],
                  postgres: []),
        Migration(number: 28, name: "create_paper_keywords",
                  why: "A card shows a paper's keywords; for a paper that came without any they were chosen, at every read, from its heaviest tf-idf terms (a window query over paper_terms: the largest of a search page's reads, about 3 ms of 20 papers). They are chosen once, when the terms are written, and kept here one per line. Papers indexed before this table existed are filled in by the first server that starts, and read the old way until then.",
                  statements: [
                    """
                    CREATE TABLE paper_keywords (
                      paper_id TEXT PRIMARY KEY REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      keywords TEXT NOT NULL) WITHOUT ROWID
                    """],
                  postgres: [
                    """
                    CREATE TABLE paper_keywords (
                      paper_id TEXT PRIMARY KEY REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      keywords TEXT NOT NULL)
                    """]),
        Migration(number: 29, name: "add_featured_discussion_version",
                  why: "A signed-in member's paper page is spliced from a rendering shared by all members. Comment counts may lag (they bump counts_version, which cached pages may trail by a few seconds), but a member must see their own comment at once: each change to a paper's discussion bumps this number, and a shared rendering older than it is rendered again.",
                  statements: ["ALTER TABLE featured ADD COLUMN discussion_version BIGINT NOT NULL DEFAULT 0"]),
        Migration(number: 30, name: "create_counts_changes",
                  why: "Cached pages may show counts a few seconds late, and one counts version for the whole site made every page stale at any vote: under steady voting nearly every visit more than the lag after a page's rendering rendered it again (a paper page is several queries), which was most of a PostgreSQL soak's CPU. Each paper's latest counts change is kept here with the counts version it made, so a process reads which papers (and featured days) changed since it last looked and keeps the pages that show none of them.",
                  statements: [
                    "CREATE TABLE counts_changes (paper_id TEXT PRIMARY KEY, day TEXT, version BIGINT NOT NULL)",
                    "CREATE INDEX counts_changes_version ON counts_changes (version)"]),
        Migration(number: 31, name: "create_arrivals",
                  why: "Browsing what arrived (the instance's own 'new' listing, by day and category, as arXiv shows it) needs each paper's announcement per category: new in its primary category, a cross-list in the others, a replacement when a later version came. Listings say so exactly; API, OAI-PMH and dated dumps give the version dates, which stand in for the announcement day. Keyed for the page's read: one category's day.",
                  statements: [
                    """
                    CREATE TABLE arrivals (
                      category TEXT NOT NULL, day TEXT NOT NULL,
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      kind TEXT NOT NULL, version INTEGER,
                      PRIMARY KEY (category, day, paper_id))
                    """,
                    "CREATE INDEX arrivals_day ON arrivals (day)",
                    "CREATE INDEX arrivals_paper ON arrivals (paper_id)"]),
        Migration(number: 32, name: "index_papers_title",
                  why: "A search typed as a paper's exact title puts that paper first (a reader looking for a paper they know by name); the lookup is by the lower-cased title, one index probe per search.",
                  statements: ["CREATE INDEX papers_title_lower ON papers (lower(title))"]),
        Migration(number: 33, name: "drop_paper_terms",
                  why: "Similar papers come from the search index (a paper's most telling words as a query, SearchMemory.related) instead of thirty rows a paper in paper_terms: writing those rows, all over a b-tree ordered by term, was most of a bulk import's time (24 s of inserts for the 2.25 M rows of the 74,728-paper corpus, even from a plain script), and they held a third of the database. term_df stays for choosing keywords. A paper indexed before keywords were kept is marked as indexed (no keywords) so it is not counted twice in term_df; `reindex --similarity` chooses them.",
                  statements: [
                    """
                    INSERT INTO paper_keywords (paper_id, keywords)
                    SELECT DISTINCT t.paper_id, '' FROM paper_terms t
                    WHERE NOT EXISTS (SELECT 1 FROM paper_keywords k WHERE k.paper_id = t.paper_id)
                    """,
                    "DROP TABLE paper_terms"]),
        Migration(number: 34, name: "term_df_words_only",
                  why: "Keywords' idf counts words only; a two-word phrase's count is estimated from its words' (Terms.weights). The phrases were most of term_df (1.4 M of 1.57 M rows at 75,000 papers, most in one paper only) and most of what choosing keywords wrote.",
                  statements: ["DELETE FROM term_df WHERE term LIKE '% %'"]),
        Migration(number: 35, name: "drop_full_text",
                  why: "Every search is answered by the search index (search_documents, SearchMemory): prefixes merge their terms' lists, filters and sorts are applied by the database to the candidates it gives. The full-text tables (FTS5 on SQLite, a weighted tsvector with GIN on PostgreSQL) served only those forms and were a second copy of every title, abstract and author list; building them was most of what a bulk import wrote (FTS5 alone takes 5-6 s over the 74,728-paper corpus, more than half of a plain script's whole import).",
                  statements: ["DROP TABLE papers_fts", "DROP TABLE papers_fts_keys"],
                  postgres: ["DROP TABLE papers_fts"]),
        Migration(number: 36, name: "search_documents_without_terms",
                  why: "A paper's weighted term counts follow from its term sequence (each term weighs as the field it stands in: title, abstract or authors), so the index computes them as it reads the sequence. The forward entry that repeated them was 45% of search_documents, itself over half the database a bulk import writes. SQLite rewrites the table once for this (about a minute at 2.5 M papers).",
                  statements: ["ALTER TABLE search_documents DROP COLUMN terms"]),
    ] + readerTools + interfaces + corpusReads
}
