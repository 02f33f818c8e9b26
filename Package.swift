// swift-tools-version:6.0
// geoctl — a geospatial data engine for city GIS layers.
import PackageDescription

let package = Package(
    name: "geoctl",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "GeoCore", targets: ["GeoCore"]),
        .library(name: "Layers", targets: ["Layers"]),
        // The PostgreSQL/PostGIS store: its own product, so SpatiaLite-only users link no PostgreSQL client.
        .library(name: "PostGISStore", targets: ["PostGISStore"]),
        .library(name: "GeoService", targets: ["GeoService"]),
        .executable(name: "geoctl", targets: ["geoctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        // Already in the graph through Hummingbird; named so GeoService may use NIO directly.
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // C libraries: module maps and pkg-config names only, no code.
        .systemLibrary(
            name: "CGEOS", pkgConfig: "geos",
            providers: [.apt(["libgeos-dev"]), .brew(["geos"])]),
        // PROJ, SpatiaLite and libpq: headers only. They are opened with dlopen on first use
        // (the C*Deferred targets below), so no pkg-config: its --libs would link them, and
        // with them some forty libraries that every process would load before `main`.
        .systemLibrary(
            name: "CPROJ",
            providers: [.apt(["libproj-dev", "proj-data"]), .brew(["proj"])]),
        .systemLibrary(
            name: "CSpatiaLite",
            providers: [.apt(["libspatialite-dev", "libsqlite3-dev", "libsqlite3-mod-spatialite"]), .brew(["libspatialite"])]),
        .systemLibrary(
            name: "CLibPQ",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        // Opening a C library on the first call into it (dlopen), and the stubs that do so for
        // each: functions with the library's own names, so Swift calls them as before.
        .target(name: "CDeferredLibrary", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .target(name: "CPROJDeferred", dependencies: ["CDeferredLibrary", "CPROJ"]),
        .target(name: "CSpatiaLiteDeferred", dependencies: ["CDeferredLibrary", "CSpatiaLite"]),
        .target(name: "CLibPQDeferred", dependencies: ["CDeferredLibrary", "CLibPQ"]),

        // Geometry values, GeoJSON, GEOS/PROJ bindings, spatial index.
        .target(name: "GeoCore", dependencies: ["CGEOS", "CPROJ", "CPROJDeferred", "CSHA256", "CByteSearch"]),
        // SHA-256 blocks through the x86 SHA extensions, when the CPU has them (GeoCore's SHA256).
        .target(name: "CSHA256"),
        // A vector byte search, for the GeoJSON reader's look-ahead for a trailing `crs`.
        .target(name: "CByteSearch"),
        // glibc's malloc.h (mallopt), for the service's memory bound.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // __builtin_prefetch, for the pass over every building in `affected`.
        .systemLibrary(name: "CPrefetch", path: "Sources/CPrefetch"),
        // The domain: layer store, catalog, routing, coverage and other analyses.
        .target(name: "Layers", dependencies: ["GeoCore", "CSpatiaLite", "CSpatiaLiteDeferred", "CPrefetch", .product(name: "Yams", package: "Yams")]),
        // The layer store in PostgreSQL/PostGIS, through libpq (binary COPY; see PGConnection.swift).
        .target(name: "PostGISStore", dependencies: ["Layers", "GeoCore", "CLibPQ", "CLibPQDeferred"]),
        // The HTTP service (`geoctl serve`): routes to Layers calls to JSON, no domain logic.
        .target(
            name: "GeoService",
            dependencies: [
                "GeoCore", "Layers", "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // The thin command-line front end.
        .executableTarget(
            name: "geoctl",
            dependencies: [
                "GeoCore", "Layers", "PostGISStore", "GeoService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // The README's library example, built and run by the tests (RoutingServiceExampleTests).
        .executableTarget(name: "RoutingService", dependencies: ["GeoCore", "Layers"], path: "Examples/RoutingService"),

        // The GeoJSON reader's fuzz target: libFuzzer under scripts/fuzz.sh, a replayer otherwise.
        .executableTarget(name: "geojson-fuzz", dependencies: ["GeoCore"]),

        // Fixture paths and a seeded generator, shared by the test targets.
        .target(name: "TestSupport", dependencies: ["GeoCore"], path: "Tests/TestSupport"),
        .testTarget(name: "GeoCoreTests", dependencies: ["GeoCore", "CByteSearch", "TestSupport"]),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "GeoCore", "TestSupport", "PostGISStore"]),
        // Runs the built `geoctl` binary as a user would: exit codes, stdout, stderr.
        .testTarget(name: "geoctlTests", dependencies: ["geoctl", "RoutingService", "Layers", "GeoCore", "PostGISStore", "TestSupport"]),
        // The HTTP service in-process (HummingbirdTesting) and over a real socket.
        .testTarget(
            name: "GeoServiceTests",
            dependencies: [
                "GeoService", "Layers", "GeoCore", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
