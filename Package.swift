// swift-tools-version:6.0
import PackageDescription

// Module imports run one way only:
// Core <- Store, Ingest, Mail <- Jobs <- Web <- dailypapers (see README "Architecture").
let package = Package(
    name: "DailyPapers",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dailypapers", targets: ["dailypapers"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.30.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.0"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.0.0"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", from: "1.17.0"),
        // The Model Context Protocol's types and server, for `/mcp` (AI assistants).
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.0"),
    ],
    targets: [
        .target(name: "DailyPapersCore"),
        .target(
            name: "DailyPapersStore",
            dependencies: [
                "DailyPapersCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // zlib from the system: streaming reads of gzip (and plain) JSON-lines dumps of any size.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // libxml2 from the system: its streaming reader parses every XML source (Foundation's XMLParser traps
        // on inputs the fuzzer built).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // glibc's malloc.h, for the allocator tuning `serve` applies (mallopt).
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "DailyPapersIngest",
            dependencies: ["DailyPapersCore", "CZlib", "CLibXML2",
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "DailyPapersJobs",
            dependencies: ["DailyPapersCore", "DailyPapersStore", "DailyPapersIngest", "DailyPapersMail",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            resources: [.copy("DemoData")]
        ),
        // Mail as a protocol, knowing nothing of papers (Core only for its date formatting): messages, MIME, transports.
        .target(name: "DailyPapersMail", dependencies: [
            "DailyPapersCore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        .target(
            name: "DailyPapersWeb",
            dependencies: [
                "DailyPapersCore", "DailyPapersStore", "DailyPapersIngest", "DailyPapersJobs", "DailyPapersMail", "CZlib",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "MCP", package: "swift-sdk"),
                // The fediverse: RSA signatures of requests, and the requests to other servers.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Static")]
        ),
        .executableTarget(
            name: "dailypapers",
            dependencies: [
                "DailyPapersCore", "DailyPapersStore", "DailyPapersJobs", "DailyPapersWeb", "DailyPapersMail", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
        // Benchmark helpers (search latency, the synthetic corpus); not part of the product binary.
        .executableTarget(
            name: "dailypapers-bench",
            dependencies: ["DailyPapersCore", "DailyPapersStore", "DailyPapersIngest",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/Tool"
        ),
        // Fuzz targets for every parser of outside bytes (scripts/fuzz builds it with libFuzzer; built plainly
        // it replays found inputs). Not part of the product binary.
        .executableTarget(
            name: "dailypapers-fuzz",
            dependencies: ["DailyPapersCore", "DailyPapersIngest", "DailyPapersMail"],
            path: "Fuzz"
        ),
        .target(
            name: "DailyPapersTestSupport",
            dependencies: ["DailyPapersCore", "DailyPapersStore", "DailyPapersJobs",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "Tests/DailyPapersTestSupport",
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "DailyPapersCoreTests", dependencies: ["DailyPapersCore"]),
        // The command line: settings read from flags, the environment and the config file.
        .testTarget(name: "DailyPapersCommandTests", dependencies: ["dailypapers"]),
        .testTarget(name: "DailyPapersMailTests", dependencies: ["DailyPapersMail", .product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "DailyPapersStoreTests", dependencies: ["DailyPapersStore", "DailyPapersCore", "DailyPapersTestSupport"]),
        .testTarget(name: "DailyPapersIngestTests", dependencies: ["DailyPapersIngest", "DailyPapersCore", "DailyPapersTestSupport"]),
        .testTarget(
            name: "DailyPapersJobsTests",
            dependencies: ["DailyPapersJobs", "DailyPapersIngest", "DailyPapersCore", "DailyPapersStore", "DailyPapersTestSupport",
                           .product(name: "SQLKit", package: "sql-kit"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "DailyPapersWebTests",
            dependencies: [
                "DailyPapersWeb", "DailyPapersStore", "DailyPapersJobs", "DailyPapersCore", "DailyPapersMail", "DailyPapersTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ],
            exclude: ["__Snapshots__"]
        ),
    ]
)
