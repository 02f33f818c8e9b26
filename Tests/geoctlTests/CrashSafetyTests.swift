import Foundation
import Layers
import Testing

/// SIGKILL at the worst moments: the store must open, pass `PRAGMA integrity_check`, keep
/// its catalog and tables in agreement, and hold either the old or the new state whole.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    /// A FeatureCollection of `count` points with Cyrillic properties.
    static func bigFile(_ path: String, count: Int = 150_000) throws {
        var text = #"{"type":"FeatureCollection","features":["#
        for i in 0 ..< count {
            if i > 0 { text += ",\n" }
            text += #"{"type":"Feature","id":\#(i),"properties":{"n":\#(i),"text":"обращение номер \#(i)"},"geometry":{"type":"Point","coordinates":[\#(60.7 + Double(i % 1000) / 10000),\#(56.05 + Double(i / 1000) / 10000)]}}"#
        }
        text += "]}"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Starts geoctl with `arguments` in the background.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Geoctl.binary)
        process.arguments = arguments
        process.currentDirectoryURL = Geoctl.repository
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits until a writer holds the store's write lock (our own BEGIN IMMEDIATE is refused).
    static func waitForWriteLock(_ store: String, while process: Process) throws -> Bool {
        let probe = try SpatiaLiteConnection(path: store, create: false)
        try probe.execute("PRAGMA busy_timeout=0")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && process.isRunning {
            do {
                try probe.execute("BEGIN IMMEDIATE")
                try probe.execute("ROLLBACK")
            } catch {
                return true
            }
            usleep(5_000)
        }
        return false
    }

    static func kill9(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// integrity_check and catalog agreement, opened as a new process would.
    static func expectConsistent(_ store: String, _ context: String) throws {
        let opened = try SpatiaLiteStore(path: store, create: false)
        #expect(try opened.integrityCheck() == "ok", "\(context)")
        #expect(try opened.catalogProblems() == [], "\(context)")
    }

    @Test("SIGKILL in the middle of import --replace: the store opens, passes integrity_check and holds the previous version unchanged; readers meanwhile see the old version")
    func killDuringReplace() throws {
        let s = try Scratch()
        #expect(try s.geoctl(["import", "fixtures/geojson/appeals.geojson", "--layer", "big", "--kind", "other"]).status == 0)
        let before = try s.geoctl(["export", "big"]).stdout
        let big = s.folder + "/big.geojson"
        try Self.bigFile(big)
        let process = try Self.start(["import", big, "--layer", "big", "--kind", "other", "--replace", "--store", s.store])
        #expect(try Self.waitForWriteLock(s.store, while: process))
        usleep(300_000)
        // A reader during the import sees the committed version, unblocked.
        let during = try s.geoctl(["export", "big"])
        #expect(during.status == 0)
        #expect(during.stdout == before)
        #expect(process.isRunning, "the import finished before it could be killed")
        Self.kill9(process)
        #expect(process.terminationReason == .uncaughtSignal)

        try Self.expectConsistent(s.store, "after a killed replace")
        #expect(try s.geoctl(["layers", "--format", "csv"]).stdout.contains("big,other,200,Point,public,1,"))
        #expect(try s.geoctl(["export", "big"]).stdout == before)
        // And the store still takes a new import.
        #expect(try s.geoctl(["import", big, "--layer", "big", "--kind", "other", "--replace"]).status == 0)
        #expect(try s.geoctl(["layers", "--format", "csv"]).stdout.contains("big,other,150000,Point,public,2,"))
        try Self.expectConsistent(s.store, "after the next replace")
    }

    @Test("SIGKILL during a first import: no trace of the layer, the other layers intact")
    func killDuringImport() throws {
        let s = try Scratch()
        #expect(try s.geoctl(["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site"]).status == 0)
        let sites = try s.geoctl(["export", "sites"]).stdout
        let big = s.folder + "/big.geojson"
        try Self.bigFile(big)
        let process = try Self.start(["import", big, "--layer", "big", "--kind", "other", "--store", s.store])
        #expect(try Self.waitForWriteLock(s.store, while: process))
        usleep(200_000)
        #expect(process.isRunning, "the import finished before it could be killed")
        Self.kill9(process)
        try Self.expectConsistent(s.store, "after a killed import")
        let layers = try s.geoctl(["layers", "--format", "csv"]).stdout
        #expect(!layers.contains("\nbig,") && layers.contains("\nsites,"))
        #expect(try s.geoctl(["export", "sites"]).stdout == sites)
        #expect(try s.geoctl(["import", big, "--layer", "big", "--kind", "other"]).status == 0)
    }

    @Test("SIGKILL during the first import into a new store (written through a rollback journal), at several moments: the store opens sound, back in WAL mode, with the layer whole or without it, and takes the import again")
    func killDuringFreshStoreImport() throws {
        let s = try Scratch()
        let big = s.folder + "/big.geojson"
        try Self.bigFile(big, count: 60_000)
        // How long the whole import takes here, to spread the kills over it.
        let started = Date()
        #expect(try Geoctl.run(["import", big, "--layer", "big", "--kind", "other", "--store", s.folder + "/timed.sqlite"]).status == 0)
        let duration = Date().timeIntervalSince(started)
        var outcomes: Set<String> = []
        for (trial, fraction) in [0.3, 0.5, 0.7, 0.85, 0.95].enumerated() {
            let store = s.folder + "/fresh-\(trial).sqlite"
            let process = try Self.start(["import", big, "--layer", "big", "--kind", "other", "--store", store])
            usleep(useconds_t(duration * fraction * 1_000_000))
            let inJournal = FileManager.default.fileExists(atPath: store + "-journal")
            let killed = process.isRunning
            Self.kill9(process)
            guard FileManager.default.fileExists(atPath: store) else { outcomes.insert("no store yet"); continue }
            try Self.expectConsistent(store, "first import killed at \(fraction) of its time")
            let head = try #require(FileManager.default.contents(atPath: store)).prefix(20).map { $0 }
            #expect(head[18] == 2 && head[19] == 2, "the store is not back in WAL mode")
            let layers = try Geoctl.run(["layers", "--format", "csv", "--store", store]).stdout
            if layers.contains("\nbig,") {
                #expect(layers.contains("\nbig,other,60000,"))
                outcomes.insert(killed ? "killed, whole" : "finished")
            } else {
                #expect(killed, "the import finished but the layer is missing")
                outcomes.insert(inJournal ? "killed in the rollback journal, gone" : "killed, gone")
            }
            #expect(try Geoctl.run(["import", big, "--layer", "big", "--kind", "other", "--replace", "--store", store]).status == 0)
            #expect(try Geoctl.run(["layers", "--format", "csv", "--store", store]).stdout.contains("\nbig,other,60000,"))
        }
        #expect(outcomes.contains("killed in the rollback journal, gone"), "\(outcomes)")
    }

    @Test("SIGKILL during drop, at several moments: the layer is there whole or gone whole")
    func killDuringDrop() throws {
        let s = try Scratch()
        let big = s.folder + "/big.geojson"
        try Self.bigFile(big, count: 60_000)
        #expect(try s.geoctl(["import", big, "--layer", "big", "--kind", "other"]).status == 0)
        #expect(try s.geoctl(["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site"]).status == 0)
        let template = s.folder + "/template.sqlite"
        try FileManager.default.copyItem(atPath: s.store, toPath: template)
        var outcomes: Set<String> = []
        for (trial, delay) in [0, 20_000, 40_000, 60_000, 80_000, 120_000, 200_000].enumerated() {
            let store = s.folder + "/trial-\(trial).sqlite"
            try FileManager.default.copyItem(atPath: template, toPath: store)
            let process = try Self.start(["drop", "big", "--store", store])
            usleep(useconds_t(delay))
            let killed = process.isRunning
            Self.kill9(process)
            try Self.expectConsistent(store, "drop killed after \(delay) µs")
            let layers = try Geoctl.run(["layers", "--format", "csv", "--store", store]).stdout
            #expect(layers.contains("\nsites,waste-site,60,"))
            if layers.contains("\nbig,") {
                #expect(layers.contains("\nbig,other,60000,"))
                let count = try SpatiaLiteConnection(path: store, create: false).rows("SELECT count(*) FROM big").first?.first
                #expect(count == .integer(60_000))
                #expect(killed, "drop finished but the layer is still listed")
                outcomes.insert("killed, still there")
            } else {
                outcomes.insert(killed ? "killed, gone" : "finished, gone")
            }
        }
        // At least one kill landed while the drop was running.
        #expect(outcomes.contains { $0.hasPrefix("killed") }, "\(outcomes)")
    }

    @Test("a reader routing in a loop while the territories are replaced again and again sees one version per call, never a mix, never an error")
    func readerDuringReplace() throws {
        let s = try Scratch()
        // Two versions of the territories: the same shapes, organisations renamed in v2.
        let original = try String(contentsOf: Geoctl.repository.appendingPathComponent("fixtures/geojson/territories.geojson"), encoding: .utf8)
        let v1 = s.folder + "/v1.geojson", v2 = s.folder + "/v2.geojson"
        try original.write(toFile: v1, atomically: true, encoding: .utf8)
        try original.replacingOccurrences(of: #""org":"(.*?)""#, with: #""org":"$1 v2""#, options: .regularExpression)
            .write(toFile: v2, atomically: true, encoding: .utf8)
        #expect(try s.geoctl(["import", v1, "--layer", "territories", "--kind", "territory"]).status == 0)
        let rules = s.folder + "/rules.yaml"
        try """
            organisations: [{id: admin, name: Администрация}]
            categories:
              - {id: any, name_ru: "Любое", name_en: Any, deadline_days: 5, strategies: [{covering: {layer: territories, organisation: org}}, {fallback: admin}]}
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        var csv = "lon,lat,category\n"
        for i in 0 ..< 300 { csv += "\(60.70 + Double(i % 20) * 0.003),\(56.066 + Double(i / 20) * 0.002),any\n" }
        let input = s.folder + "/appeals.csv"
        try csv.write(toFile: input, atomically: true, encoding: .utf8)

        let store = s.store
        let replacer = Thread {
            for round in 0 ..< 8 {
                _ = try? Geoctl.run(["import", round % 2 == 0 ? v2 : v1, "--layer", "territories", "--kind", "territory",
                                     "--replace", "--store", store])
            }
        }
        replacer.start()
        var versions: [String] = []
        while !replacer.isFinished || versions.count < 3 {
            let r = try Geoctl.run(["route", "--rules", rules, "--input", input, "--output", "-", "--store", s.store])
            #expect(r.status == 0, "\(r.stderr)")
            let rows = r.stdout.split(separator: "\n").dropFirst()
            #expect(rows.count == 300)
            let routedToCompanies = rows.filter { $0.contains(",ok,") && !$0.contains("Администрация") }
            let inV2 = routedToCompanies.filter { $0.contains(" v2,") }.count
            #expect(inV2 == 0 || inV2 == routedToCompanies.count, "a mix: \(inV2) of \(routedToCompanies.count) rows from v2")
            #expect(routedToCompanies.count > 100)
            versions.append(inV2 == 0 ? "v1" : "v2")
            if versions.count > 200 { break }
        }
        while !replacer.isFinished { usleep(10_000) }
        try Self.expectConsistent(s.store, "after the replacements")
        print("reader saw \(versions.count) consistent answers: \(Set(versions).sorted())")
    }
}
