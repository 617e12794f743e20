// swift-tools-version: 6.2
import PackageDescription

#if canImport(Glibc)
import Glibc
#endif

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // One section per function, so the release link below can place the code a server runs together.
    .unsafeFlags(["-Xfrontend", "-function-sections"], .when(platforms: [.linux], configuration: .release)),
]

/// The release link of the `stride` executable on Linux (docs/performance.md, "Binary layout"): lld
/// places the functions named in `link/symbol-order.txt` (the ones a server runs, recorded by
/// `scripts/generate-symbol-order`) first, and the compiler's unnamed functions that run (thunks,
/// destroyers: no symbol can name them) by object file and section through `link/hot-sections.ld`,
/// so the pages the kernel maps around them hold code that runs; the executable exports no dynamic
/// symbols (nothing loads it as a library); and relative relocations are packed (DT_RELR) where the
/// build machine's glibc can load them (2.36 or newer). `STRIDE_PROFILING_LINK_MAP=<path>` links the
/// binary the generator profiles: it writes the link map, and leaves the unnamed functions inside
/// `.text`, where valgrind attributes them to the binary.
let releaseLinkSettings: [LinkerSetting] = {
    let packageDirectory = String(#filePath.dropLast("/Package.swift".count))
    var flags = [
        "-use-ld=lld",
        "-Xlinker", "--no-export-dynamic",
        "-Xlinker", "--symbol-ordering-file=\(packageDirectory)/link/symbol-order.txt",
        "-Xlinker", "--no-warn-symbol-ordering",
    ]
    if let map = Context.environment["STRIDE_PROFILING_LINK_MAP"], !map.isEmpty {
        flags += ["-Xlinker", "-Map=\(map)"]
    } else {
        flags += ["-Xlinker", "-T", "-Xlinker", "\(packageDirectory)/link/hot-sections.ld"]
    }
    if glibcLoadsPackedRelocations() {
        flags += ["-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"]
    }
    return [.unsafeFlags(flags, .when(platforms: [.linux], configuration: .release))]
}()

func glibcLoadsPackedRelocations() -> Bool {
    #if canImport(Glibc)
    // confstr answers "glibc 2.36".
    var buffer = [CChar](repeating: 0, count: 64)
    guard confstr(Int32(_CS_GNU_LIBC_VERSION), &buffer, buffer.count) > 0 else { return false }
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let version = text.split(separator: " ").last ?? ""
    let parts = version.split(separator: ".").compactMap { Int($0) }
    guard parts.count >= 2 else { return false }
    return (parts[0], parts[1]) >= (2, 36)
    #else
    return false
    #endif
}

let package = Package(
    name: "stride",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stride", targets: ["stride"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL.git", from: "4.3.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        // GET /metrics: counters and histograms through swift-metrics, written in Prometheus' text format.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The S3 artifact store's HTTP client (already built for Hummingbird's testing).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // OTLP ingest (`POST /v1/traces`): the runtime only; the generated code is committed (scripts/generate-otlp-protos).
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        // Entities, validation, the search language and errors; no I/O.
        .target(name: "StrideDomain", swiftSettings: strictSettings),
        // Store protocols and the values they exchange; artifact bodies travel as NIO ByteBuffers.
        .target(
            name: "StrideStore",
            dependencies: ["StrideDomain", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings),
        // SQLite's default VFS with write-ahead-log appends gathered into one write per commit.
        .target(
            name: "CSQLiteWALWrites",
            dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")],
            linkerSettings: [.linkedLibrary("sqlite3")]),
        // The embedded SQLite store.
        .target(
            name: "StrideSQLite",
            dependencies: [
                "StrideDomain", "StrideStore", "CSQLiteWALWrites",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings),
        // The PostgreSQL store, for several instances on one database.
        .target(
            name: "StridePostgres",
            dependencies: [
                "StrideDomain", "StrideStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings),
        // Artifacts on local disk, streamed through NIO's file system.
        .target(
            name: "StrideLocalArtifacts",
            dependencies: [
                "StrideDomain", "StrideStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        // Artifacts in an S3-compatible bucket: our own small client, signed with SigV4 from swift-crypto.
        .target(
            name: "StrideS3Artifacts",
            dependencies: [
                "StrideDomain", "StrideStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        // The system zlib, for OTLP bodies sent with `Content-Encoding: gzip` or `deflate`.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // OpenTelemetry's trace export (OTLP/HTTP, protobuf and JSON) read into Stride's spans.
        .target(
            name: "StrideOTLP",
            dependencies: ["StrideDomain", "CZlib", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: strictSettings),
        // Use cases: validation, MLflow's rules, calls to the store protocols.
        .target(
            name: "StrideService",
            dependencies: [
                "StrideDomain", "StrideStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings),
        // MLflow's wire format over the service.
        .target(
            name: "StrideMLflowAPI",
            dependencies: [
                "StrideDomain", "StrideService", "StrideOTLP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        // MLflow's GraphQL endpoint (the queries its web UI sends) over the service.
        .target(
            name: "StrideGraphQL",
            dependencies: [
                "StrideDomain", "StrideService",
                .product(name: "GraphQL", package: "GraphQL"),
                // The schema's field maps are ordered dictionaries.
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        // Server-rendered web pages over the service; templates are Swift string literals.
        .target(
            name: "StrideWebUI",
            dependencies: [
                "StrideDomain", "StrideService", "StrideStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        // `stride import`'s SQLite source: MLflow's database file under the store layer's MLflowSchemaReader (PostgreSQL's is in StridePostgres).
        .target(
            name: "StrideMLflowSource",
            dependencies: [
                "StrideDomain", "StrideStore", "StrideService",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        // Composition root: configuration and the concrete store.
        .target(
            name: "StrideServer",
            dependencies: [
                "StrideMLflowAPI", "StrideGraphQL", "StrideWebUI", "StrideService", "StrideSQLite", "StridePostgres", "StrideLocalArtifacts",
                "StrideMLflowSource",
                "StrideS3Artifacts",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings),
        // What every test target builds its application and stores with: the server's own composition root.
        .target(
            name: "StrideTesting",
            dependencies: ["StrideServer", "StrideService", "StrideStore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings),
        .executableTarget(
            name: "stride",
            dependencies: [
                "StrideServer", "StrideService", "StrideStore", "StrideDomain", "StrideS3Artifacts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings,
            linkerSettings: releaseLinkSettings),
        .testTarget(name: "StrideDomainTests", dependencies: ["StrideDomain"], swiftSettings: strictSettings),
        .testTarget(
            name: "StrideServerTests",
            dependencies: [
                "StrideServer", "StrideMLflowAPI", "StrideS3Artifacts", "StridePostgres", .product(name: "Logging", package: "swift-log"), .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StrideMLflowSourceTests", dependencies: ["StrideMLflowSource", "StrideStore", "StrideService", "StrideDomain", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StrideServiceTests",
            dependencies: [
                "StrideTesting", "StrideServer",
                "StrideService", "StrideDomain", "StrideStore", "StrideSQLite", "StrideLocalArtifacts",
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StrideStoreContractTests",
            dependencies: [
                "StrideTesting",
                "StrideDomain", "StrideStore", "StrideSQLite", "StridePostgres", "StrideLocalArtifacts", "StrideS3Artifacts",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StridePostgresTests",
            dependencies: [
                "StridePostgres", "StrideDomain", "StrideStore", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StrideOTLPTests", dependencies: ["StrideOTLP", "StrideDomain", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StrideSQLiteTests",
            dependencies: ["StrideDomain", "StrideStore", "StrideSQLite", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StrideLocalArtifactsTests",
            dependencies: [
                "StrideDomain", "StrideStore", "StrideLocalArtifacts",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StrideS3ArtifactsTests",
            dependencies: [
                "StrideDomain", "StrideStore", "StrideS3Artifacts",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StrideMLflowAPITests",
            dependencies: [
                "StrideTesting",
                "StrideMLflowAPI", "StrideServer", "StrideService", "StrideSQLite", "StrideDomain", "StrideLocalArtifacts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StrideGraphQLTests",
            dependencies: [
                "StrideTesting", "StrideServer",
                "StrideGraphQL", "StrideService", "StrideSQLite", "StrideDomain", "StrideStore",
                .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StrideWebUITests",
            dependencies: [
                "StrideTesting",
                "StrideWebUI", "StrideServer", "StrideMLflowAPI", "StrideService", "StrideSQLite", "StrideDomain", "StrideLocalArtifacts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strictSettings),
    ]
)
