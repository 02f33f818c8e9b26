import Foundation
import Layers
@testable import PostGISStore
import Testing
import TestSupport

/// A PostGIS schema of its own for command-line tests, and a folder for their files;
/// both removed afterwards.
final class PGScratch {
    let url: String
    let schema: String
    let folder: String

    init() throws {
        let fresh = try #require(PostgresTestDatabase.freshSchemaURL(prefix: "cli"))
        url = fresh.url
        schema = fresh.schema
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-pg-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
        PostgresTestDatabase.dropSchema(schema)
    }

    func geoctl(_ arguments: [String], stdin: Data? = nil) throws -> Geoctl.Result {
        try Geoctl.run(arguments + ["--store", url], stdin: stdin)
    }

    func importSampleCity() throws {
        let r = try geoctl(["import-dir", "fixtures/geojson", "--manifest", "fixtures/manifest.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// A new connection to the schema, as another process would open it.
    func open() throws -> PostGISStore { try PostGISStore(url: url, create: false) }
}

/// Output with import times (which differ between two imports) masked.
func maskingTimes(_ text: String) -> String {
    text.replacing(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/, with: "<time>")
}

@Suite("geoctl on a PostGIS store", .enabled(if: PostgresTestDatabase.isAvailable))
struct PostGISCommandTests {
    @Test("every command answers exactly as with a SpatiaLite store on the sample city: layers, show, export, at, route (one and batch), coverage, check, set, region, drop")
    func sameAnswersAsSpatiaLite() throws {
        let lite = try Scratch()
        let pg = try PGScratch()
        try lite.importSampleCity()
        try pg.importSampleCity()
        let rules = "fixtures/routing-rules.yaml"
        let commands: [[String]] = [
            ["layers"], ["layers", "--include-restricted", "--format", "json"], ["layers", "--format", "csv"],
            ["show", "territories"], ["show", "appeals", "--include-restricted"], ["show", "appeals"],
            ["export", "territories"], ["export", "appeals", "--include-restricted"], ["export", "buildings", "--format", "csv"],
            ["export", "sites", "--bbox", "60.72,56.07,60.74,56.09"], ["export", "sites", "--where", "separate_collection=true"],
            ["at", "--lon", "60.72309", "--lat", "56.07966"], ["at", "--lon", "60.72309", "--lat", "56.07966", "--format", "json"],
            ["route", "--rules", rules, "--lon", "60.72309", "--lat", "56.07966", "--category", "snow"],
            ["route", "--rules", rules, "--input", "fixtures/geojson/appeals.geojson", "--output", "-"],
            ["coverage", "--buildings", "buildings", "--sites", "sites", "--districts", "districts", "--format", "json"],
            ["coverage", "--buildings", "buildings", "--sites", "sites", "--sensitive", "institutions", "--suggest"],
            ["check", "territories", "territories", "--boundary", "city"],
            ["check", "layer", "buildings"],
            ["export", "nope"],
        ]
        for command in commands {
            let a = try lite.geoctl(command), b = try pg.geoctl(command)
            #expect(a.status == b.status, "\(command): \(a.status) vs \(b.status): \(b.stderr)")
            #expect(maskingTimes(a.stdout) == maskingTimes(b.stdout), "\(command)")
            #expect(!a.stdout.isEmpty || a.status != 0, "\(command) printed nothing: \(a.stderr)")
        }
        // Files written by route and coverage are byte-identical too.
        for (s, name) in [(lite.folder, "lite"), (pg.folder, "pg")] {
            let store = name == "lite" ? lite.store : pg.url
            let r = try Geoctl.run(["route", "--rules", rules, "--input", "fixtures/geojson/appeals.geojson", "--output", "\(s)/routed.geojson", "--store", store])
            #expect(r.status == 0, "\(r.stderr)")
            let c = try Geoctl.run(["coverage", "--buildings", "buildings", "--sites", "sites", "--districts", "districts", "--suggest",
                                    "--output", "\(s)/coverage", "--store", store])
            #expect(c.status == 0, "\(c.stderr)")
        }
        let files = ["routed.geojson"] + (try FileManager.default.contentsOfDirectory(atPath: lite.folder + "/coverage")).sorted().map { "coverage/\($0)" }
        #expect(files.count > 5)
        for f in files {
            #expect(FileManager.default.contents(atPath: "\(lite.folder)/\(f)") == FileManager.default.contents(atPath: "\(pg.folder)/\(f)"), "\(f)")
        }
        // Metadata and region commands, then drop: both answer the same.
        for command in [["set", "sites", "--owner", "МУП «Чистый город»", "--visibility", "restricted"], ["layers"], ["show", "sites", "--include-restricted"],
                        ["region", "set", "60.6,56.0,60.9,56.2"], ["region", "show"], ["region", "clear"], ["region", "show"]] {
            let a = try lite.geoctl(command), b = try pg.geoctl(command)
            #expect(a.status == 0 && a.status == b.status, "\(command): \(a.status) vs \(b.status): \(b.stderr)")
            #expect(maskingTimes(a.stdout) == maskingTimes(b.stdout), "\(command)")
        }
        #expect(try pg.geoctl(["drop", "roads"]).status == 0 && lite.geoctl(["drop", "roads"]).status == 0)
        #expect(maskingTimes(try pg.geoctl(["layers", "--include-restricted"]).stdout) == maskingTimes(try lite.geoctl(["layers", "--include-restricted"]).stdout))
        #expect(try pg.open().catalogProblems() == [])
    }

    @Test("copy SpatiaLite → PostGIS → SpatiaLite: every layer and catalog entry arrives, and the exports are byte-identical")
    func copyRoundTrip() throws {
        let lite = try Scratch()
        let pg = try PGScratch()
        try lite.importSampleCity()
        let there = try Geoctl.run(["copy", "--from", lite.store, "--to", pg.url])
        #expect(there.status == 0, "\(there.stderr)")
        #expect(there.stdout.split(separator: "\n").count == 12 && there.stdout.contains("appeals\t200\t1\n"))
        let back = lite.folder + "/back.sqlite"
        let again = try Geoctl.run(["copy", "--from", pg.url, "--to", back])
        #expect(again.status == 0, "\(again.stderr)")
        let layers = try lite.geoctl(["layers", "--include-restricted", "--format", "json"])
        #expect(try pg.geoctl(["layers", "--include-restricted", "--format", "json"]).stdout == layers.stdout)
        #expect(try Geoctl.run(["layers", "--include-restricted", "--format", "json", "--store", back]).stdout == layers.stdout)
        for layer in ["appeals", "buildings", "city", "districts", "earthworks", "institutions", "outages", "precincts", "roads", "sites", "territories"] {
            let original = try lite.geoctl(["export", layer, "--include-restricted"])
            #expect(original.status == 0 && !original.stdout.isEmpty)
            #expect(try pg.geoctl(["export", layer, "--include-restricted"]).stdout == original.stdout, "\(layer) in PostGIS")
            #expect(try Geoctl.run(["export", layer, "--include-restricted", "--store", back]).stdout == original.stdout, "\(layer) back")
            #expect(try pg.geoctl(["show", layer, "--include-restricted"]).stdout == (try lite.geoctl(["show", layer, "--include-restricted"])).stdout, "\(layer)")
        }
        // Named layers only; an existing one needs --replace; a missing one is named.
        let some = try Geoctl.run(["copy", "--from", lite.store, "--to", pg.url, "sites"])
        #expect(some.status == 1 && some.stderr.contains("already exists"))
        let replaced = try Geoctl.run(["copy", "--from", lite.store, "--to", pg.url, "--replace", "sites", "city"])
        #expect(replaced.status == 0 && replaced.stdout == "sites\t60\t2\ncity\t1\t2\n", "\(replaced.stdout)")
        let missing = try Geoctl.run(["copy", "--from", lite.store, "--to", pg.url, "nope"])
        #expect(missing.status == 1 && missing.stderr.contains("no layer named \"nope\""))
    }

    @Test("the README's least-privilege set-up: the writer imports, the reader reads public layers, even after a replace, and cannot see the restricted schema or write")
    func leastPrivilege() throws {
        let base = try #require(PostgresTestDatabase.url)
        let tag = UUID().uuidString.prefix(8).lowercased()
        let (writer, reader, open, closed) = ("w_\(tag)", "r_\(tag)", "town_\(tag)", "town_\(tag)_restricted")
        try PostgresTestDatabase.psql("""
            CREATE ROLE \(writer) LOGIN; CREATE ROLE \(reader) LOGIN;
            CREATE SCHEMA \(open) AUTHORIZATION \(writer); CREATE SCHEMA \(closed) AUTHORIZATION \(writer);
            GRANT USAGE ON SCHEMA \(open) TO \(reader);
            ALTER DEFAULT PRIVILEGES FOR ROLE \(writer) IN SCHEMA \(open) GRANT SELECT ON TABLES TO \(reader);
            """)
        defer {
            _ = try? PostgresTestDatabase.psql("DROP SCHEMA \(open) CASCADE; DROP SCHEMA \(closed) CASCADE; DROP OWNED BY \(writer), \(reader); DROP ROLE \(writer); DROP ROLE \(reader)")
        }
        func url(_ user: String, _ schema: String) -> String {
            base.replacing("user=postgres", with: "user=\(user)") + "&schema=\(schema)"
        }
        let w = try Geoctl.run(["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site", "--store", url(writer, open)])
        #expect(w.status == 0, "\(w.stderr)")
        let secret = try Geoctl.run(["import", "fixtures/geojson/appeals.geojson", "--layer", "appeals", "--kind", "other", "--store", url(writer, closed)])
        #expect(secret.status == 0, "\(secret.stderr)")
        #expect(try Geoctl.run(["layers", "--format", "csv", "--store", url(reader, open)]).stdout.contains("\nsites,waste-site,60,"))
        let replaced = try Geoctl.run(["import", "fixtures/geojson/institutions.geojson", "--layer", "sites", "--kind", "waste-site", "--replace", "--store", url(writer, open)])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        let read = try Geoctl.run(["export", "sites", "--store", url(reader, open)])
        #expect(read.status == 0 && read.stdout.contains("FeatureCollection"), "\(read.stderr)")
        let hidden = try Geoctl.run(["layers", "--include-restricted", "--store", url(reader, closed)])
        #expect(hidden.status != 0 && hidden.stderr.contains("permission denied"), "\(hidden.stderr)")
        #expect(!hidden.stdout.contains("appeals"))
        let write = try Geoctl.run(["import", "fixtures/geojson/city.geojson", "--layer", "city", "--kind", "boundary", "--store", url(reader, open)])
        #expect(write.status != 0 && write.stderr.contains("permission denied"), "\(write.stderr)")
        let drop = try Geoctl.run(["drop", "sites", "--store", url(reader, open)])
        #expect(drop.status != 0)
        #expect(try Geoctl.run(["layers", "--format", "csv", "--store", url(writer, open)]).stdout.contains("\nsites,waste-site,20,"))
    }

    @Test("ogrinfo PG: lists every layer with its geometry type, SRID 4326 and feature count")
    func ogrinfo() throws {
        let pg = try PGScratch()
        try pg.importSampleCity()
        let socket = try #require(PostgresTestDatabase.socket)
        let connection = "PG:host=\(socket) user=postgres dbname=geoctl_test schemas=\(pg.schema)"
        let list = try Geoctl.run(executable: "/usr/bin/ogrinfo", ["-ro", "-q", connection])
        #expect(list.status == 0, "\(list.stderr)")
        let expected = ["appeals": ("Point", 200), "buildings": ("Polygon", 328), "city": ("Polygon", 1), "districts": ("Polygon", 5),
                        "earthworks": ("Line String", 11), "institutions": ("Point", 20), "outages": ("Unknown (any)", 5), "repairs": ("Polygon", 2),
                        "precincts": ("Polygon", 4), "roads": ("Line String", 13), "sites": ("Point", 60), "territories": ("Multi Polygon", 30)]
        for (layer, (type, count)) in expected {
            // Points, lines and areas in one layer (outages): a generic column, listed without a type.
            #expect(list.stdout.contains(type == "Unknown (any)" ? "\(layer)\n" : "\(layer) (\(type))"), "\(layer): \(list.stdout)")
            let info = try Geoctl.run(executable: "/usr/bin/ogrinfo", ["-ro", "-so", connection, layer])
            #expect(info.stdout.contains("Feature Count: \(count)\n"), "\(layer)")
            #expect(info.stdout.contains("Geometry: \(type)\n"), "\(layer)")
            #expect(info.stdout.contains("ID[\"EPSG\",4326]"), "\(layer)")
        }
        #expect(!list.stdout.contains("geoctl_catalog ("))
    }

    @Test("GEOCTL_STORE may hold the URL; the password never appears in output, errors or help")
    func environmentAndSecrets() throws {
        let pg = try PGScratch()
        let r = try Geoctl.run(["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site"], environment: ["GEOCTL_STORE": pg.url])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Geoctl.run(["layers", "--format", "csv"], environment: ["GEOCTL_STORE": pg.url]).stdout.contains("\nsites,waste-site,60,"))
        let secret = "S3cr3t-Pa55"
        let socket = try #require(PostgresTestDatabase.socket)
        for (url, env) in [("postgresql://nobody:\(secret)@/geoctl_test?host=\(socket)&schema=x", [String: String]()),
                           ("postgresql://nobody@/nodb?host=/nonexistent&password=\(secret)", [:]),
                           ("postgresql://nobody@/nodb?host=/nonexistent", ["PGPASSWORD": secret])] {
            for command in [["layers"], ["import", "fixtures/geojson/sites.geojson", "--layer", "s", "--kind", "other"], ["export", "s"]] {
                let bad = try Geoctl.run(command + ["--store", url], environment: env)
                #expect(bad.status != 0)
                #expect(!bad.stderr.contains(secret) && !bad.stdout.contains(secret), "\(bad.stderr)")
                #expect(bad.stderr.contains("nobody"), "\(bad.stderr)")
            }
        }
    }
}

/// SIGKILL at the worst moments, on PostGIS: the catalog and the tables agree afterwards and
/// hold the old or the new state whole (PostgreSQL rolls back the killed client's transaction).
@Suite("Crash safety on PostGIS", .serialized, .enabled(if: PostgresTestDatabase.isAvailable))
struct PostGISCrashSafetyTests {
    /// Waits until a geoctl import is copying rows into its staging table.
    static func waitForCopy(_ pg: PGScratch, while process: Process) throws -> Bool {
        let probe = try pg.open()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && process.isRunning {
            if try probe.db.scalar("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'COPY %geoctl_staging_%'") != "0" { return true }
            usleep(5_000)
        }
        return false
    }

    static func expectConsistent(_ pg: PGScratch, _ context: String) throws {
        // The killed client's backend notices the closed socket and rolls back; wait for it.
        let probe = try pg.open()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, try probe.db.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'geoctl' AND pid <> pg_backend_pid() AND datname = current_database()") != "0" {
            usleep(10_000)
        }
        #expect(try probe.catalogProblems() == [], "\(context)")
    }

    @Test("SIGKILL in the middle of import --replace: the previous version stays whole; readers meanwhile see it")
    func killDuringReplace() throws {
        let pg = try PGScratch()
        #expect(try pg.geoctl(["import", "fixtures/geojson/appeals.geojson", "--layer", "big", "--kind", "other"]).status == 0)
        let before = try pg.geoctl(["export", "big"]).stdout
        let big = pg.folder + "/big.geojson"
        try CrashSafetyTests.bigFile(big, count: 150_000)
        let process = try CrashSafetyTests.start(["import", big, "--layer", "big", "--kind", "other", "--replace", "--store", pg.url])
        #expect(try Self.waitForCopy(pg, while: process))
        let during = try pg.geoctl(["export", "big"])
        #expect(during.status == 0 && during.stdout == before)
        #expect(process.isRunning, "the import finished before it could be killed")
        CrashSafetyTests.kill9(process)
        try Self.expectConsistent(pg, "after a killed replace")
        #expect(try pg.geoctl(["layers", "--format", "csv"]).stdout.contains("big,other,200,Point,public,1,"))
        #expect(try pg.geoctl(["export", "big"]).stdout == before)
        #expect(try pg.geoctl(["import", big, "--layer", "big", "--kind", "other", "--replace"]).status == 0)
        #expect(try pg.geoctl(["layers", "--format", "csv"]).stdout.contains("big,other,150000,Point,public,2,"))
        try Self.expectConsistent(pg, "after the next replace")
    }

    @Test("SIGKILL during a first import: no trace of the layer, the others intact")
    func killDuringImport() throws {
        let pg = try PGScratch()
        #expect(try pg.geoctl(["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site"]).status == 0)
        let sites = try pg.geoctl(["export", "sites"]).stdout
        let big = pg.folder + "/big.geojson"
        try CrashSafetyTests.bigFile(big, count: 150_000)
        let process = try CrashSafetyTests.start(["import", big, "--layer", "big", "--kind", "other", "--store", pg.url])
        #expect(try Self.waitForCopy(pg, while: process))
        #expect(process.isRunning, "the import finished before it could be killed")
        CrashSafetyTests.kill9(process)
        try Self.expectConsistent(pg, "after a killed import")
        let layers = try pg.geoctl(["layers", "--format", "csv"]).stdout
        #expect(!layers.contains("\nbig,") && layers.contains("\nsites,"))
        #expect(try pg.geoctl(["export", "sites"]).stdout == sites)
    }

    @Test("SIGKILL during drop, at several moments: the layer is there whole or gone whole")
    func killDuringDrop() throws {
        var outcomes: Set<String> = []
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-pg-drop-\(UUID().uuidString).geojson").path
        defer { try? FileManager.default.removeItem(atPath: big) }
        try CrashSafetyTests.bigFile(big, count: 20_000)
        for delay in [0, 10_000, 20_000, 40_000, 80_000] {
            let pg = try PGScratch()
            #expect(try pg.geoctl(["import", big, "--layer", "big", "--kind", "other"]).status == 0)
            #expect(try pg.geoctl(["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site"]).status == 0)
            let process = try CrashSafetyTests.start(["drop", "big", "--store", pg.url])
            usleep(useconds_t(delay))
            let killed = process.isRunning
            CrashSafetyTests.kill9(process)
            try Self.expectConsistent(pg, "drop killed after \(delay) µs")
            let layers = try pg.geoctl(["layers", "--format", "csv"]).stdout
            #expect(layers.contains("\nsites,waste-site,60,"))
            if layers.contains("\nbig,") {
                #expect(layers.contains("\nbig,other,20000,"))
                outcomes.insert("killed, still there")
            } else {
                outcomes.insert(killed ? "killed, gone" : "finished, gone")
            }
        }
        #expect(outcomes.contains { $0.hasPrefix("killed") }, "\(outcomes)")
    }
}
