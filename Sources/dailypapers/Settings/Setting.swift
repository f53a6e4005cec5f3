import ArgumentParser

/// A setting an operator gives as a flag, an environment variable or a key of the config file. One
/// declaration names all three, says what the setting does and what it is by default; the flags' help
/// text is made from it, so the three spellings cannot drift apart.
struct Setting: Hashable, Sendable {
    /// How the config file gives the value (flags and environment variables are text).
    enum Kind: Sendable { case text, whole, number, boolean }

    /// The long flag without its dashes, which is also the setting's key in the config file: `site-name`.
    let name: String
    let environment: String
    let kind: Kind
    let summary: String
    /// The default, as the help shows it; nil when there is none (the setting is then off or derived).
    let fallback: String?

    init(_ name: String, env: String? = nil, _ summary: String, default fallback: String? = nil) {
        self.init(name, env: env, .text, summary, default: fallback)
    }

    init(_ name: String, env: String? = nil, _ kind: Kind, _ summary: String, default fallback: String? = nil) {
        self.name = name
        self.environment = env ?? "DAILYPAPERS_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
        self.kind = kind
        self.summary = summary
        self.fallback = fallback
    }

    var flag: String { "--" + name }

    var help: ArgumentHelp {
        ArgumentHelp("\(summary) (env \(environment)\(fallback.map { "; default \($0)" } ?? "")).")
    }

    static func == (a: Setting, b: Setting) -> Bool { a.name == b.name }
    func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// Every setting, in the order the README's table lists them.
extension Setting {
    // Every command
    static let database = Setting("database", env: "DATABASE_URL",
        "SQLite file path, sqlite:///path, or postgres://user:password@host:5432/db?sslmode=prefer", default: "./dailypapers.sqlite")
    static let logLevel = Setting("log-level", env: "LOG_LEVEL", "Log level: trace, debug, info, notice, warning, error", default: "info")
    static let logFormat = Setting("log-format", env: "LOG_FORMAT", "Log format: text or json, one object per line", default: "text")

    // The site
    static let host = Setting("host", "Address to listen on", default: "127.0.0.1")
    static let port = Setting("port", .whole, "Port to listen on", default: "8080")
    static let publicURL = Setting("public-url", "The site's public base URL, for absolute links in pages, feeds and mail",
                                   default: "http://HOST:PORT")
    static let siteName = Setting("site-name", "The site's name, in page titles, the header, feeds and mail", default: "Daily Papers")
    static let siteTagline = Setting("site-tagline", "The line under the name on the feed page", default: "by the research community")
    static let idleTimeout = Setting("idle-timeout", .whole,
        "Seconds a connection may send no complete request part before it is closed, idle or sending slowly", default: "30")
    static let maxConnections = Setting("max-connections", .whole, "Connections served at once; more wait in the listen backlog",
                                        default: "4096")
    static let searchIndexFile = Setting("search-index-file",
        "A search index file to rank from (written by reindex --search-file), mapped and shared by every process on the machine; rows written after it are followed in memory. Without it each process holds the whole index in memory")
    static let searchIndexPreloadMiB = Setting("search-index-preload-mib", .whole,
        "MiB of the search index file read into the OS page cache when it is mapped (paper ids and term table first, then the longest lists), so the first searches after a start on a cold machine do not read them a page at a time; the cache is shared by every process; 0 reads nothing ahead",
        default: "256")
    static let cacheMiB = Setting("cache-mib", .whole, "MiB of memory for cached pages and API answers (0 keeps none, every request renders)",
                                  default: "64")
    static let countsLag = Setting("counts-lag", .whole,
        "Seconds cached pages may show vote and comment counts that are behind (0 re-renders on every change)", default: "5")

    // arXiv
    static let ingestCategories = Setting("ingest-categories",
        "Fetch these arXiv categories every announcement evening (20:00 US Eastern, Sun-Thu), comma separated")
    static let ingestVia = Setting("ingest-via", "How arXiv is fetched: api, oai or listing", default: "oai")
    static let contact = Setting("contact", "Contact address sent to arXiv in the User-Agent, as its terms ask")
    static let autoFeatureCategories = Setting("auto-feature-categories",
        "Feature ingested papers in these categories automatically, comma separated")
    static let autoFeatureKeywords = Setting("auto-feature-keywords",
        "Feature ingested papers whose title or abstract holds one of these words, comma separated")
    static let autoFeatureMax = Setting("auto-feature-max", .whole, "At most this many automatic features a day", default: "10")
    static let arxivAPI = Setting("arxiv-api", "arXiv API used to look up submitted papers the database lacks and by ingests via api, or 'off' (no lookups)",
                                  default: "http://export.arxiv.org/api/query")
    static let arxivOAI = Setting("arxiv-oai", "arXiv OAI-PMH base URL for ingests via oai (a mirror or a recording proxy)",
                                  default: "https://oaipmh.arxiv.org/oai")
    static let arxivListing = Setting("arxiv-listing", "arXiv listing feeds' base URL for ingests via listing",
                                      default: "https://rss.arxiv.org")

    // Outside services: GitHub stars, generated summaries
    static let githubAPI = Setting("github-api", "GitHub's REST API, asked hourly for the stars of feed papers' repositories, or 'off'",
                                   default: "https://api.github.com")
    static let githubToken = Setting("github-token", "A GitHub token for the stars job (5,000 requests an hour instead of 60; no scopes needed)")
    static let summariesAPI = Setting("summaries-api",
        "An OpenAI-compatible API base URL (e.g. https://api.openai.com/v1 or a local server's /v1) to summarise featured papers that have no summary; off when not set")
    static let summariesModel = Setting("summaries-model", "The model --summaries-api summarises with")
    static let summariesKey = Setting("summaries-key", "The API key --summaries-api takes, if any")
    static let summariesPerHour = Setting("summaries-per-hour", .whole, "At most this many summaries asked for an hour (the cost bound)",
                                          default: "30")

    static let fediverseEvery = Setting("fediverse-every", .whole,
        "Seconds between rounds of announcing new papers to fediverse followers and delivering what is queued", default: "30")
    static let fediversePrivatePeers = Setting("fediverse-private-peers", .boolean,
        "Let fediverse peers be plain http or private addresses (tests and closed networks only)", default: "off")

    // The community
    static let bcryptCost = Setting("bcrypt-cost", .whole, "bcrypt cost for passwords, 10-16", default: "12")
    static let submissionsPerDay = Setting("submissions-per-day", .whole, "Submissions per member per UTC day", default: "5")
    static let submissionMaxAgeDays = Setting("submission-max-age-days", .whole,
        "Oldest paper accepted for submission, in days since its first version", default: "14")
    static let commentEditMinutes = Setting("comment-edit-minutes", .number, "Minutes after posting during which a comment can be edited",
                                            default: "15")
    static let sessionDays = Setting("session-days", .number, "Days a session lasts without use", default: "30")
    static let rateLimitScale = Setting("rate-limit-scale", .number, "Multiply every rate limit; 0 disables them, for benchmarks only",
                                        default: "1")
    static let trustProxy = Setting("trust-proxy", .boolean, "Take client addresses from X-Forwarded-For (only behind your own proxy)",
                                    default: "off")
    static let trendingGravityHours = Setting("trending-gravity-hours", .number,
        "Trending: hours of age worth a tenfold drop in engagement", default: "12.5")
    static let trendingWindowDays = Setting("trending-window-days", .whole, "Trending: days of submissions the trending lists consider",
                                            default: "7")
    static let trendingCommentWeight = Setting("trending-comment-weight", .number, "Trending: weight of a comment against an upvote",
                                               default: "2")

    // Mail
    static let mailFolder = Setting("mail-folder", "Folder where mail is written as .eml files when no SMTP server is set",
                                    default: "./mail")
    static let mailFrom = Setting("mail-from", "From address", default: "daily-papers@ the public URL's host")
    static let smtpURL = Setting("smtp-url",
        "SMTP server: smtp://user:pass@host:587 (STARTTLS) or smtps://host:465; ?tls=required|none, ?ca=FILE")
    static let dkimKey = Setting("dkim-key", "DKIM private key file from `dailypapers dkim keygen`")
    static let dkimSelector = Setting("dkim-selector", "DKIM selector", default: "dailypapers")
    static let dkimDomain = Setting("dkim-domain", "DKIM signing domain", default: "the From address's domain")
    static let digestAt = Setting("digest-at", "When to send digests, HH:MM on weekdays (Mondays also the weekly one), or 'off'",
                                  default: "13:00")
    static let digestTimezone = Setting("digest-timezone", "Time zone of --digest-at, e.g. Europe/Paris", default: "UTC")

    static let all: [Setting] = [
        database, logLevel, logFormat,
        host, port, publicURL, siteName, siteTagline, idleTimeout, maxConnections, cacheMiB, countsLag, searchIndexFile, searchIndexPreloadMiB,
        ingestCategories, ingestVia, contact, autoFeatureCategories, autoFeatureKeywords, autoFeatureMax, arxivAPI, arxivOAI, arxivListing,
        githubAPI, githubToken, summariesAPI, summariesModel, summariesKey, summariesPerHour, fediverseEvery, fediversePrivatePeers,
        bcryptCost, submissionsPerDay, submissionMaxAgeDays, commentEditMinutes, sessionDays, rateLimitScale, trustProxy,
        trendingGravityHours, trendingWindowDays, trendingCommentWeight,
        mailFolder, mailFrom, smtpURL, dkimKey, dkimSelector, dkimDomain, digestAt, digestTimezone,
    ]
}
