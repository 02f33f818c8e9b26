import Foundation
import Layers
import Testing

@Suite("Security")
struct SecurityTests {
    /// A store with the sample city plus `secret`: a restricted polygon layer over the whole
    /// city, whose organisation name must never show without --include-restricted.
    func storeWithSecret() throws -> Scratch {
        let s = try Scratch()
        try s.importSampleCity()
        let file = s.folder + "/secret.geojson"
        let city = try String(contentsOf: Geoctl.repository.appendingPathComponent("fixtures/geojson/city.geojson"), encoding: .utf8)
        try city.replacingOccurrences(of: #""name":"#, with: #""org":"ТАЙНАЯ СЛУЖБА","code":"S-1","name":"#)
            .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try s.geoctl(["import", file, "--layer", "secret", "--kind", "territory", "--visibility", "restricted"]).status == 0)
        return s
    }

    @Test("every command that reads layers treats a restricted layer as missing without --include-restricted, and shows it with the flag")
    func restrictedEverywhere() throws {
        let s = try storeWithSecret()
        let rules = s.folder + "/rules.yaml"
        try """
            organisations: [{id: admin, name: Администрация}]
            categories:
              - {id: any, name_ru: "Любое", name_en: Any, deadline_days: 5, strategies: [{covering: {layer: LAYER, organisation: org}}, {fallback: admin}]}
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let rulesSecret = s.folder + "/rules-secret.yaml", rulesMissing = s.folder + "/rules-nosuch.yaml"   // so both names read rules-X.yaml
        let ruleText = try String(contentsOfFile: rules, encoding: .utf8)
        try ruleText.replacingOccurrences(of: "LAYER", with: "secret").write(toFile: rulesSecret, atomically: true, encoding: .utf8)
        try ruleText.replacingOccurrences(of: "LAYER", with: "nosuch").write(toFile: rulesMissing, atomically: true, encoding: .utf8)

        // Each command naming the layer: (arguments with LAYER in place of the name).
        let naming: [[String]] = [
            ["show", "LAYER"], ["export", "LAYER"], ["export", "LAYER", "--format", "csv"], ["drop", "LAYER"],
            ["check", "layer", "LAYER"], ["check", "territories", "LAYER"], ["check", "territories", "territories", "--boundary", "LAYER"],
            ["coverage", "--buildings", "buildings", "--sites", "sites", "--districts", "LAYER"],
            ["coverage", "--buildings", "LAYER", "--sites", "sites"],
            ["route", "--rules", "RULES", "--lon", "60.72309", "--lat", "56.07966", "--category", "any"],
        ]
        for command in naming {
            let hidden = try s.geoctl(command.map { $0 == "LAYER" ? "secret" : $0 == "RULES" ? rulesSecret : $0 })
            let missing = try s.geoctl(command.map { $0 == "LAYER" ? "nosuch" : $0 == "RULES" ? rulesMissing : $0 })
            #expect(hidden.status == 1 && missing.status == 1, "\(command): \(hidden.status) \(hidden.stderr)")
            #expect(!hidden.stdout.contains("ТАЙНАЯ") && !hidden.stderr.contains("ТАЙНАЯ"), "\(command)")
            // Word for word the answer for a layer that does not exist.
            #expect(hidden.stderr.replacingOccurrences(of: "secret", with: "X") == missing.stderr.replacingOccurrences(of: "nosuch", with: "X"),
                    "\(command): \(hidden.stderr) vs \(missing.stderr)")
        }
        // Commands that list or look around never mention it.
        for command in [["layers"], ["layers", "--format", "json"], ["at", "--lon", "60.72309", "--lat", "56.07966"],
                        ["at", "--lon", "60.72309", "--lat", "56.07966", "--format", "json"]] {
            let r = try s.geoctl(command)
            #expect(r.status == 0)
            #expect(!r.stdout.contains("secret") && !r.stdout.contains("ТАЙНАЯ"), "\(command)")
        }
        // The layer survived the refused drop, and the flag shows it everywhere.
        for command in [["layers"], ["export", "secret"], ["at", "--lon", "60.72309", "--lat", "56.07966"],
                        ["route", "--rules", rulesSecret, "--lon", "60.72309", "--lat", "56.07966", "--category", "any"]] {
            let r = try s.geoctl(command + ["--include-restricted"])
            #expect(r.status == 0, "\(command): \(r.stderr)")
            #expect(r.stdout.contains("secret") || r.stdout.contains("ТАЙНАЯ"), "\(command)")
        }
    }

    @Test("layer, property and field names from files and flags never reach SQL as code")
    func injection() throws {
        let s = try Scratch()
        let evil = #"x"; DROP TABLE geoctl_catalog; --"#
        let evilJSON = evil.replacingOccurrences(of: "\"", with: "\\\"")
        let file = s.folder + "/evil.geojson"
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","id":"1'; DELETE FROM geoctl_catalog; --","properties":{"\#(evilJSON)":"1' OR '1'='1","org":"\#(evilJSON)","geom":5,"fid":"f"},"geometry":{"type":"Polygon","coordinates":[[[60.70,56.06],[60.71,56.06],[60.71,56.07],[60.70,56.07],[60.70,56.06]]]}}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        for name in [#"x"; DROP TABLE geoctl_catalog; --"#, "a'b", "sqlite_master", "geoctl_catalog", "../../etc/passwd"] {
            let r = try s.geoctl(["import", file, "--layer", name, "--kind", "other"])
            #expect(r.status == 1 || r.status == 64, "\(name): \(r.status)")
        }
        #expect(try s.geoctl(["import", file, "--layer", "evil", "--kind", "territory"]).status == 0)
        let uses: [[String]] = [
            ["show", "evil"], ["export", "evil", "--where", #"\#(evil)=1' OR '1'='1"#], ["export", "evil", "--format", "csv"],
            ["check", "territories", "evil", "--org-field", evil, "--id-field", "geom"], ["check", "layer", "evil", "--id-field", evil],
            ["show", #"evil" OR 1=1 --"#], ["export", "x'; DROP TABLE evil; --"],
        ]
        for command in uses { _ = try s.geoctl(command) }
        let exported = try s.geoctl(["export", "evil", "--where", #"\#(evil)=1' OR '1'='1"#])
        #expect(exported.stdout.contains("DROP TABLE geoctl_catalog"))   // the value, as data
        let store = try SpatiaLiteStore(path: s.store, create: false)
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.catalogProblems() == [])
        #expect(try store.layers(includeRestricted: true).map(\.name) == ["evil"])
    }

    /// Every file under `folder`, relative to it.
    func files(in folder: String) -> Set<String> {
        Set((FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(folder)/\(path)", isDirectory: &isDirectory) && !isDirectory.boolValue
        })
    }

    @Test("geoctl writes only the store (with its -wal/-shm), the outputs named, and the documented sidecar; stdin spools leave nothing behind")
    func writesOnlyWhereNamed() throws {
        let s = try Scratch()
        let work = s.folder + "/work", tmp = s.folder + "/tmp"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let store = work + "/city.sqlite"
        func run(_ arguments: [String], stdin: Data? = nil) throws -> Geoctl.Result {
            try Geoctl.run(arguments + ["--store", store], stdin: stdin, environment: ["TMPDIR": tmp])
        }
        // Read commands on a missing store create nothing.
        for command in [["layers"], ["show", "x"], ["export", "x"], ["at", "--lon", "60.7", "--lat", "56.1"], ["check", "layer", "x"]] {
            #expect(try run(command).status == 74, "\(command)")
            #expect(files(in: work).isEmpty && files(in: tmp).isEmpty, "\(command): \(files(in: work))")
        }
        let fixtures = Geoctl.repository.appendingPathComponent("fixtures").path
        #expect(try run(["import", "\(fixtures)/geojson/buildings.geojson", "--layer", "buildings", "--kind", "building"]).status == 0)
        #expect(try run(["import", "\(fixtures)/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site"]).status == 0)
        #expect(try run(["import", "-", "--layer", "city", "--kind", "boundary"],
                        stdin: try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/geojson/city.geojson"))).status == 0)
        #expect(try run(["import", "\(fixtures)/broken/self-intersecting.geojson", "--layer", "bad", "--kind", "other", "--on-invalid", "skip"]).status == 0)
        #expect(try run(["export", "buildings", "-o", work + "/out/buildings.geojson"]).status != 0)   // no such folder: not created
        #expect(try run(["export", "buildings", "-o", work + "/buildings.geojson"]).status == 0)
        #expect(try run(["coverage", "--buildings", "buildings", "--sites", "sites", "--output", work + "/coverage"]).status == 0)
        _ = try run(["check", "layer", "buildings", "--output", work + "/problems.geojson"])
        #expect(try run(["drop", "bad"]).status == 0)
        let allowed: Set<String> = ["city.sqlite", "city.sqlite-wal", "city.sqlite-shm", "bad.rejected.geojson", "buildings.geojson",
                                    "problems.geojson"]
        let written = files(in: work)
        let unexpected = written.filter { !allowed.contains($0) && !$0.hasPrefix("coverage/") }
        #expect(unexpected.isEmpty, "unexpected files: \(unexpected.sorted())")
        #expect(written.contains("bad.rejected.geojson") && written.contains("coverage/report.html"))
        #expect(files(in: tmp).isEmpty, "left in TMPDIR: \(files(in: tmp))")
    }
}
