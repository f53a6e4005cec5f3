extension Migrations {
    /// A member's own tools (issue 28): access tokens for programs, saved papers and collections, "not interested"
    /// marks, follows, notifications. Kept apart only so that no file of the history grows past reading; the order is `all`'s.
    static let readerTools: [Migration] = [
        Migration(number: 37, name: "create_access_tokens",
                  why: "Personal access tokens, which a member creates and revokes in settings, for programs that act as the member through the API (Hugging Face's client sends one as a bearer token). Only each token's SHA-256 is kept, as for sessions; a token is read-only or may also write.",
                  statements: ["""
                    CREATE TABLE access_tokens (
                      id INTEGER PRIMARY KEY,
                      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      name TEXT NOT NULL,
                      token_hash TEXT NOT NULL UNIQUE,
                      scope TEXT NOT NULL,
                      created_at BIGINT NOT NULL,
                      last_used_at BIGINT,
                      revoked_at BIGINT)
                    """, "CREATE INDEX access_tokens_user ON access_tokens (user_id)"]),
        Migration(number: 38, name: "create_collections",
                  why: "Saved papers and named collections (a member's \"Saved\" is one of them, is_saved = 1, at most one a member), private unless made public, each named in URLs by a random slug; a collection's papers with a note and a position each.",
                  statements: ["""
                    CREATE TABLE collections (
                      id INTEGER PRIMARY KEY,
                      slug TEXT NOT NULL UNIQUE,
                      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      name TEXT NOT NULL,
                      description TEXT NOT NULL DEFAULT '',
                      is_public INTEGER NOT NULL DEFAULT 0,
                      is_saved INTEGER NOT NULL DEFAULT 0,
                      created_at BIGINT NOT NULL,
                      updated_at BIGINT NOT NULL)
                    """, "CREATE INDEX collections_user ON collections (user_id)",
                    "CREATE UNIQUE INDEX collections_saved ON collections (user_id) WHERE is_saved = 1",
                    """
                    CREATE TABLE collection_papers (
                      collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      note TEXT NOT NULL DEFAULT '',
                      position BIGINT NOT NULL,
                      added_at BIGINT NOT NULL,
                      PRIMARY KEY (collection_id, paper_id))
                    """, "CREATE INDEX collection_papers_paper ON collection_papers (paper_id)"]),
        Migration(number: 39, name: "create_not_interested",
                  why: "\"Not interested\" marks: a member turns a paper away from their \"For you\" feed, which then ranks its neighbours lower too.",
                  statements: ["""
                    CREATE TABLE not_interested (
                      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      created_at BIGINT NOT NULL,
                      PRIMARY KEY (user_id, paper_id))
                    """]),
        Migration(number: 40, name: "create_follows",
                  why: "Follows: a member follows authors, arXiv categories, keywords and members, and reads the newest papers they bring on their Following page and in a feed whose URL holds a random key of theirs (feed readers send no cookie).",
                  statements: ["""
                    CREATE TABLE follows (
                      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      kind TEXT NOT NULL,
                      target TEXT NOT NULL,
                      created_at BIGINT NOT NULL,
                      PRIMARY KEY (user_id, kind, target))
                    """, "ALTER TABLE users ADD COLUMN feed_key TEXT",
                    "CREATE UNIQUE INDEX users_feed_key ON users (feed_key) WHERE feed_key IS NOT NULL"]),
        Migration(number: 41, name: "create_notifications",
                  why: "Notifications: replies, comments on papers a member submitted or is an author of, new papers by followed authors; made once (a comment's notification for a member is unique), read or not; which kinds a member gets by mail.",
                  statements: ["""
                    CREATE TABLE notifications (
                      id INTEGER PRIMARY KEY,
                      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      kind TEXT NOT NULL,
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      comment_id BIGINT NOT NULL DEFAULT 0,
                      actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                      created_at BIGINT NOT NULL,
                      read_at BIGINT)
                    """, "CREATE UNIQUE INDEX notifications_once ON notifications (user_id, kind, paper_id, comment_id)",
                    "CREATE INDEX notifications_unread ON notifications (user_id, read_at)",
                    """
                    CREATE TABLE notification_mail (
                      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      kind TEXT NOT NULL,
                      mail INTEGER NOT NULL,
                      PRIMARY KEY (user_id, kind))
                    """]),
        Migration(number: 42, name: "subscriptions_personal_sections",
                  why: "A member's digest may end with their own sections, For you and From what you follow.",
                  statements: ["ALTER TABLE subscriptions ADD COLUMN personal_sections INTEGER NOT NULL DEFAULT 0"]),
    ]
}
