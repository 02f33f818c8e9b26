import Foundation
import Testing
import TestSupport

/// PROJ, SpatiaLite and libpq are opened with dlopen when first called (the C*Deferred
/// targets), not by the loader at every start: each of these runs says, through glibc's own
/// report of what it loads (`LD_DEBUG=files`), which of them a command opened, and when.
@Suite("PROJ, SpatiaLite and libpq are opened on first use")
struct DeferredLibrariesTests {
    /// The libraries a run loaded before `main` (a DT_NEEDED of some object) and with dlopen.
    struct Loads {
        var atStart: [String] = []
        var onDemand: [String] = []
        var result: Geoctl.Result

        func opened(_ library: String) -> Bool { onDemand.contains { $0.hasPrefix("lib\(library).so") } }
        func linked(_ library: String) -> Bool { atStart.contains { $0.hasPrefix("lib\(library).so") } }
    }

    static func run(_ arguments: [String]) throws -> Loads {
        let result = try Geoctl.run(arguments, environment: ["LD_DEBUG": "files"])
        var loads = Loads(result: result)
        // "  1234:\tfile=libproj.so [0];  dynamically loaded by /…/geoctl [0]"; the loader says
        // "transferring control" when it starts the program: what it loaded before is linked
        // (what a library opened later needs is loaded with it, not at start).
        var started = false
        for line in result.stderr.split(separator: "\n") {
            if line.contains("transferring control") { started = true }
            guard let start = line.range(of: "file=") else { continue }
            let name = String(line[start.upperBound...].prefix { $0 != " " })
            if line.contains("dynamically loaded by") { loads.onDemand.append(name) }
            else if line.contains("needed by") && !started { loads.atStart.append((name as NSString).lastPathComponent) }
        }
        return loads
    }

    @Test("reading a store, routing, `set` and an import open none of them; `at` opens PROJ; `version` PROJ and SpatiaLite; none is linked")
    func openedOnFirstUse() throws {
        #if os(Linux)
        let s = try Scratch()
        try s.importSampleCity()
        let layers = try Self.run(["layers", "--store", s.store])
        #expect(layers.result.status == 0)
        // GEOS and SQLite are still linked: the report is read right.
        #expect(layers.linked("geos_c") && layers.linked("sqlite3"), "LD_DEBUG: \(layers.result.stderr.prefix(300))")
        let route = try Self.run(["route", "--rules", "fixtures/routing-rules.yaml", "--lon", "60.72309", "--lat", "56.07966",
                                  "--category", "garbage", "--include-restricted", "--store", s.store])
        #expect(route.result.status == 0, "\(route.result.stdout)")
        for run in [layers, route] {
            for library in ["proj", "spatialite", "pq"] {
                #expect(!run.linked(library) && !run.opened(library), "\(library): \(run.atStart) \(run.onDemand)")
            }
        }
        // `at` measures distances to institutions (geodesics, in PROJ).
        let at = try Self.run(["at", "--lon", "60.72309", "--lat", "56.07966", "--store", s.store])
        #expect(at.result.status == 0)
        #expect(at.opened("proj") && !at.opened("spatialite") && !at.opened("pq"), "\(at.onDemand)")
        // Changing a layer's metadata writes the catalog with SQLite alone.
        let set = try Self.run(["set", "buildings", "--owner", "УК «Жилсервис»", "--store", s.store])
        #expect(set.result.status == 0, "\(set.result.stderr.suffix(300))")
        #expect(!set.opened("spatialite") && !set.opened("pq"), "\(set.onDemand)")
        // An import into a new store and into one with layers writes SpatiaLite's metadata
        // in SQL of its own (SpatiaLiteMetadata.swift).
        let fresh = s.folder + "/fresh.sqlite"
        for layer in ["buildings", "sites"] {
            let imported = try Self.run(["import", "fixtures/geojson/\(layer).geojson", "--layer", layer, "--kind", "other", "--store", fresh])
            #expect(imported.result.status == 0, "\(imported.result.stderr.suffix(300))")
            #expect(!imported.opened("spatialite") && !imported.opened("pq") && !imported.opened("proj"), "\(layer): \(imported.onDemand)")
        }
        let version = try Self.run(["version"])
        #expect(version.result.stdout.contains("PROJ 9.") && version.result.stdout.contains("SpatiaLite 5."), "\(version.result.stdout)")
        #expect(version.opened("proj") && version.opened("spatialite") && !version.opened("pq"), "\(version.onDemand)")
        for run in [at, version] {
            for library in ["proj", "spatialite", "pq"] { #expect(!run.linked(library), "\(library): \(run.atStart)") }
        }
        #endif
    }

    @Test("a PostgreSQL store opens libpq when it connects", .enabled(if: PostgresTestDatabase.isAvailable))
    func libpqOnConnect() throws {
        #if os(Linux)
        let s = try Scratch(.postGIS)
        try s.importSampleCity()
        let layers = try Self.run(["layers", "--store", s.store])
        #expect(layers.result.status == 0, "\(layers.result.stdout)")
        #expect(layers.opened("pq") && !layers.linked("pq"), "\(layers.onDemand)")
        #endif
    }
}
