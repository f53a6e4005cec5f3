import Foundation
import DailyPapersCore
import DailyPapersJobs
import DailyPapersStore
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the whole web application; `serve` and the tests call this same function.
public func buildApplication(configuration: AppConfiguration, logger: Logger,
                             loadDemoWhenEmpty: Bool = true) async throws -> some ApplicationProtocol {
    _ = Observability.registry  // before anything records a metric
    let database = try await Database.open(configuration.database, logger: logger)
    do {
        try await Migrator.migrate(database, logger: logger)
        let store = PaperStore(database: database)
        if configuration.demo {
            logger.info("loading the bundled demo papers (--demo)")
            try await loadDemo(store, trending: configuration.community.trending, logger: logger)
        } else if loadDemoWhenEmpty, try await store.latestDay() == nil {
            logger.notice("the database has no papers yet: loading the bundled demo papers so the feed shows real content; import your own with `dailypapers import hf-daily PATH`")
            try await loadDemo(store, trending: configuration.community.trending, logger: logger)
        }
        return try buildApplication(configuration: configuration, database: database, logger: logger)
    } catch {
        await database.close()
        throw error
    }
}

/// Builds the application over an open, migrated database; the application closes it on shutdown.
/// `mailOutbox` is where account mail waits to be sent; the application runs it (a test keeps a
/// handle to wait for the mail it caused).
public func buildApplication(configuration: AppConfiguration, database: Database, logger: Logger,
                             mailOutbox: MailOutbox? = nil) throws -> some ApplicationProtocol {
    let outbox = mailOutbox ?? MailOutbox(logger: logger)
    let store = PaperStore(database: database)
    if let path = configuration.searchIndexFile { try store.useSearchIndexFile(path) }
    let assets = try StaticAssets()
    let site = SiteInfo(name: configuration.siteName, tagline: configuration.siteTagline, publicURL: configuration.publicURL,
                        stylesheetVersion: assets.stylesheetVersion, scriptVersion: assets.scriptVersion)
    let cache = ResponseCache(database: database, store: store, checkInterval: configuration.cacheCheckInterval,
                              countsGrace: configuration.countsGrace, maximumBytes: configuration.responseCacheBytes)
    let community = try Community(settings: configuration.community, site: site, database: database, mail: configuration.mail,
                                  outbox: outbox, logger: logger)
    let users = UserStore(database: database)

    let registry = Observability.registry
    // HEAD answers as GET does, without the body (RFC 9110 9.3.2): link checkers, feed readers and uptime
    // monitors use it.
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    // Requests by route and status, and their latency (hb_requests, hb_request_duration).
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(SecurityHeadersMiddleware(https: configuration.publicURL.hasPrefix("https://")))
    router.middlewares.add(ErrorMiddleware(site: site))
    router.middlewares.add(NULRefusalMiddleware())
    router.middlewares.add(SessionMiddleware(sessions: community.sessions, notifications: community.notifications, lifetimeSeconds: configuration.community.sessionLifetimeDays * 86_400,
                                             trustProxy: configuration.community.trustProxy,
                                             cookies: Cookies(secure: community.secureCookies)))
    PageRoutes(store: store, stats: StatsStore(database: database), site: site, cache: cache,
               memberStates: MemberStateCache(countsGrace: configuration.countsGrace), community: community).register(on: router)
    AccountRoutes(community: community).register(on: router)
    AccessTokenRoutes(community: community).register(on: router)
    CommunityRoutes(community: community).register(on: router)
    AuthorLinksRoutes(community: community).register(on: router)
    CollectionRoutes(community: community).register(on: router)
    CollectionAPIRoutes(community: community).register(on: router)
    FollowRoutes(community: community).register(on: router)
    NotificationRoutes(community: community).register(on: router)
    ModerationRoutes(community: community).register(on: router)
    UserRoutes(store: store, users: users, community: community).register(on: router)
    ArrivalsRoutes(store: store, community: community, cache: cache).register(on: router)
    SubscriptionRoutes(community: community, subscriptions: SubscriptionStore(database: database)).register(on: router)
    let digestSite = DigestSite(name: site.name, publicURL: site.publicURL, from: community.mailFrom)
    let digest = DigestJob(database: database, site: digestSite, logger: logger) { [mail = configuration.mail] in
        (try? mail.mailer(messageIDDomain: URL(string: site.publicURL)?.host ?? "localhost", logger: logger)) ?? community.mail
    }
    DigestAdminRoutes(community: community, job: digest, subscriptions: SubscriptionStore(database: database),
                      deliveries: DeliveryStore(database: database)).register(on: router)
    // The trending window is a setting: lists without a period look that many days back from the newest paper.
    let trendingWindowDays = configuration.community.trending.windowDays
    APIRoutes(store: store, cache: cache, trendingWindowDays: trendingWindowDays, publicURL: site.publicURL).register(on: router)
    MCPEndpoint(store: store, community: community, site: site, logger: logger).register(on: router)
    ForYouRoutes(community: community, trendingWindowDays: trendingWindowDays).register(on: router)
    let fediverseSite = FediverseSite(publicURL: site.publicURL, siteName: site.name)
    let fediverse = FediverseStore(database: database)
    let fediverseClient = FediverseClient(site: fediverseSite, store: fediverse, allowPrivatePeers: configuration.fediverse.allowPrivatePeers)
    FediverseRoutes(store: store, users: users, database: database, fediverse: fediverse, client: fediverseClient,
                    limiter: community.limiter, trendingWindowDays: trendingWindowDays).register(on: router)
    FeedRoutes(store: store, users: users, collections: community.collections, limiter: community.limiter, site: site, cache: cache, trendingWindowDays: trendingWindowDays).register(on: router)
    assets.register(on: router)
    let docs = DocsPageView.render(openAPI: assets.openAPI, site: site)
    router.get(Route.docs.pattern) { _, _ in Responses.text(docs, contentType: "text/html; charset=utf-8") }
    router.get(Route.health.pattern) { _, _ in "ok\n" }
    router.get(Route.ready.pattern) { _, context -> Response in
        do {
            _ = try await store.contentVersion()
            return Responses.text("ready\n", contentType: "text/plain; charset=utf-8")
        } catch {
            context.logger.error("readiness check failed: \(error)")
            return Responses.text("database unreachable\n", contentType: "text/plain; charset=utf-8", status: .serviceUnavailable)
        }
    }
    router.get(Route.metrics.pattern) { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }

    // A service group stops its services last to first: the database closes after the others have stopped.
    var services: [any Service] = [DatabaseCloser(database: database), outbox]
    if let plan = configuration.ingest { services.append(IngestScheduler(plan: plan, database: database, logger: logger)) }
    if let schedule = configuration.digestSchedule { services.append(DigestScheduler(schedule: schedule, job: digest, exclusive: ExclusiveJob(database: database, logger: logger), logger: logger)) }
    services.append(IndexBackfill(store: store, database: database, exclusive: ExclusiveJob(database: database, logger: logger), logger: logger))
    if let path = configuration.searchIndexFile { services.append(SearchIndexFileWatcher(store: store, path: path, preloadBytes: configuration.searchIndexPreloadBytes, logger: logger)) }
    if let stars = configuration.githubStars {
        let job = GitHubStarsJob(database: database, settings: stars, userAgent: "DailyPapers/1.0 (+\(site.publicURL))", logger: logger)
        services.append(job.recurring(exclusive: ExclusiveJob(database: database, logger: logger), logger: logger))
    }
    if let summaries = configuration.summaries {
        let job = SummariesJob(database: database, settings: summaries, logger: logger)
        services.append(job.recurring(exclusive: ExclusiveJob(database: database, logger: logger), logger: logger))
    }
    let fediverseJob = FediverseJob(store: store, fediverse: fediverse, client: fediverseClient, trendingWindowDays: trendingWindowDays, logger: logger)
    // A short lease: a process killed mid-round holds up deliveries for 15 s, not a minute.
    services.append(fediverseJob.recurring(every: configuration.fediverse.every,
                                           exclusive: ExclusiveJob(database: database, leaseDuration: .seconds(15), logger: logger), logger: logger))
    services.append(community.notifications.followNotifier(exclusive: ExclusiveJob(database: database, logger: logger), logger: logger))
    return Application(
        router: router,
        // A connection that sends no complete request part for this long is closed, whether idle between
        // requests or sending its headers a byte at a time (slowloris); connections beyond the maximum wait
        // in the listen backlog instead of exhausting file descriptors.
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.connectionIdleSeconds)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "dailypapers",
                             availableConnectionsDelegate: .maximum(configuration.maximumConnections, logger: logger)),
        services: services,
        logger: logger)
}

private func loadDemo(_ store: PaperStore, trending: Trending, logger: Logger) async throws {
    let summary = try await DemoData.load(into: store, trending: trending)
    logger.info("demo data: \(summary.papers) papers from \(summary.importedFiles) files")
    for failure in summary.failures { logger.error("demo data: \(failure)") }
}

/// A new search index file put in place of the one mapped (`reindex --search-file` renames it over the old) is
/// mapped by every process on the machine within a few seconds, without a restart; the rows written after it are
/// read into memory again. A damaged file is logged and the one in use kept. Each file mapped (at start too) has its
/// first `preloadBytes` read into the page cache (`SearchSegment.preload`) while searches are already served.
struct SearchIndexFileWatcher: Service {
    let store: PaperStore
    let path: String
    let preloadBytes: Int
    let logger: Logger
    static let interval = Duration.seconds(5)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // The file mapped at start; each file is tried once (one found stale or damaged is not mapped again).
            var known = PaperStore.searchIndexFileVersion(path)
            await preload()
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                guard let now = PaperStore.searchIndexFileVersion(path), now != known else { continue }
                known = now
                do {
                    let papers = try store.reloadSearchIndexFile(path)
                    logger.info("search: mapped the new index file \(path) (\(papers) papers)")
                    await preload()
                } catch {
                    logger.error("search: the new index file \(path) was not mapped: \(error); the one in use is kept")
                }
            }
        }
        try? await gracefulShutdown()
    }
}

extension SearchIndexFileWatcher {
    /// Reads the file's first `preloadBytes` on a thread of its own: the reads block, and the concurrency pool's few
    /// threads serve requests meanwhile.
    func preload() async {
        guard preloadBytes > 0 else { return }
        let start = ContinuousClock.now
        let (store, budget) = (store, preloadBytes)
        let bytes = await withCheckedContinuation { (done: CheckedContinuation<Int, Never>) in
            Thread { done.resume(returning: store.preloadSearchIndexFile(budget: budget)) }.start()
        }
        logger.info("search: read \(bytes >> 20) MiB of the index file into the page cache in \(ContinuousClock.now - start)")
    }
}

/// Closes the database after the server has stopped taking requests and the other services have stopped.
struct DatabaseCloser: Service {
    let database: Database
    func run() async throws {
        try? await gracefulShutdown()
        await database.close()
    }
}

/// Papers stored before the similarity or search index existed (an upgraded instance) are indexed once,
/// in the background, by one of the processes; papers saved from then on are indexed as they are saved.
/// Then each process loads its in-memory search index, so its first search does not wait for that.
struct IndexBackfill: Service {
    let store: PaperStore
    let database: Database
    let exclusive: ExclusiveJob
    let logger: Logger
    func run() async throws {
        // A shutdown stops the work where it is (each batch is committed or rolled back whole); the next
        // start goes on from there.
        await cancelWhenGracefulShutdown { await backfill() }
        try? await gracefulShutdown()
    }

    private func backfill() async {
        do {
            // Only an upgraded instance has anything to do; the lease is taken only then.
            if try await store.hasPapersWithoutTerms(),
               let indexed = try await exclusive.run("similarity-backfill", { [store] in try await store.reindexSimilarity(onlyMissing: true) }),
               indexed > 0 {
                logger.info("similar papers: indexed \(indexed) papers stored before the index existed")
            }
        } catch {
            if Task.isCancelled { return logger.info("similar papers: indexing older papers stopped at shutdown; it goes on at the next start") }
            logger.error("similar papers: indexing older papers failed: \(error); it is tried again at the next start")
        }
        do {
            // Searches rank every match until this is done; another process may have finished it meanwhile.
            if try await store.searchIndexPending(),
               let indexed = try await exclusive.run("search-backfill", { [store] in
                   try await store.searchIndexPending() ? try await store.rebuildSearchIndex() : 0
               }), indexed > 0 {
                logger.info("search: indexed \(indexed) papers stored before the search index existed")
            }
            try await store.loadSearchIndex()
            // Read in order until here; what a server reads from now on is lookups.
            database.readAtRandom()
        } catch {
            if Task.isCancelled { return logger.info("search: building the search index stopped at shutdown; it is built at the next start") }
            logger.error("search: building or loading the search index failed: \(error); searches load it themselves, a build is tried again at the next start")
        }
    }
}

extension NotificationStore {
    /// Tells members of new papers by the authors they follow: every minute, the papers indexed since the last run
    /// (`notifyFollowers`), a backlog (a big import) worked through a batch at a time; with several processes, the
    /// one holding the lease does it.
    func followNotifier(exclusive: ExclusiveJob, logger: Logger) -> RecurringJob {
        RecurringJob(name: "notify-follows", every: .seconds(60), exclusive: exclusive, logger: logger) { [self] in
            var made = 0
            while !Task.isCancelled {
                let run = try await notifyFollowers()
                made += run.made
                if run.rows < NotificationStore.followBatch { break }
            }
            return made == 0 ? nil : .init("\(made) notifications of new papers")
        }
    }
}
