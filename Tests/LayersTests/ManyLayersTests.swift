import Foundation
import Testing
import GeoCore
@testable import Layers

@Suite("Many layers")
struct ManyLayersTests {
    @Test("a folder of 211 layers of mixed kinds, some restricted, imports with import-dir and lists completely")
    func twoHundredElevenLayers() throws {
        let t = try TemporaryStore()
        let dir = t.folder + "/in"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let kinds = LayerKind.allCases
        var entries: [JSONValue] = []
        for i in 0 ..< 211 {
            let f = Feature(id: .integer(Int64(i)), geometry: .point(Point(x: 60.7 + Double(i) / 10000, y: 56.08)),
                            properties: ["номер": .integer(Int64(i))])
            _ = try t.write([f], name: "in/l\(i).geojson")
            entries.append(.object(["file": .string("l\(i).geojson"), "layer": .string("слой_\(i)"),
                                    "kind": .string(kinds[i % kinds.count].rawValue),
                                    "visibility": .string(i % 7 == 0 ? "restricted" : "public")]))
        }
        let manifestPath = t.folder + "/manifest.json"
        try JSONValue.object(["layers": .array(entries)]).compactText.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let outcomes = try DirectoryImporter(importer: t.importer)
            .importDirectory(dir, manifest: try Manifest(path: manifestPath), replace: false, onInvalid: nil)
        #expect(outcomes.count == 211)
        #expect(outcomes.allSatisfy { $0.report?.outcome == .imported })
        let all = try t.store.layers(includeRestricted: true)
        #expect(all.count == 211)
        #expect(Set(all.map(\.kind)) == Set(kinds))
        let visible = try t.store.layers(includeRestricted: false)
        #expect(visible.count == 211 - 31)
        #expect(visible.allSatisfy { $0.visibility == .public })
        #expect(try t.store.layer(named: "слой_210")?.featureCount == 1)
    }

    @Test("a manifest with an unknown key, kind or visibility is refused with its place named")
    func badManifest() throws {
        let t = try TemporaryStore()
        for (text, words) in [(#"{"layers":[{"file":"a.geojson","kinds":"x"}]}"#, "layers[0]: unknown key \"kinds\""),
                              (#"{"layers":[{"file":"a.geojson","kind":"river"}]}"#, "layers[0].kind \"river\" is not one of"),
                              (#"{"layers":[{"file":"a.geojson","visibility":"secret"}]}"#, "visibility must be public or restricted"),
                              (#"{"layers":{"file":"a"}}"#, "\"layers\" must be a list"),
                              (#"{"layers":[{"layer":"a"}]}"#, "layers[0] has no \"file\"")] {
            let path = try t.writeText(text, name: "m.json")
            #expect(throws: ManifestError.self) { try Manifest(path: path) }
            do { _ = try Manifest(path: path) } catch { #expect(error.description.contains(words), "\(error)") }
        }
        let yaml = try t.writeText("layers:\n  - file: a.geojson\n    kind: territory\n    visibility: restricted\n    on_invalid: repair\n", name: "m.yaml")
        let m = try Manifest(path: yaml)
        let options = m.options(for: "a.geojson", replace: false, onInvalid: nil)
        #expect(options.kind == .territory && options.visibility == .restricted && options.onInvalid == .repair && options.layer == "a")
    }
}
