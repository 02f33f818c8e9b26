import Foundation
import Testing
import GeoCore
@testable import Layers

/// SpatiaLite imports in one pass too (OnePassImport.swift): the layer, the report's errors
/// and what is left in the store after a refusal must be exactly those of the two passes.
@Suite("SpatiaLite one-pass import: the same layer, errors and store as two passes")
struct SpatiaLiteOnePassTests {
    typealias Files = OnePassImportTests

    @Test("a file that fits its first features is read once and makes the same layer as two passes")
    func fits() throws {
        for polygons in [false, true] {
            let text = Files.file(polygons: polygons)
            let (one, checked) = try Files.load(text, into: .spatiaLite, onePass: true)
            let (two, twoChecked) = try Files.load(text, into: .spatiaLite, onePass: false)
            #expect(!checked, "a check pass ran over a file that fits its first features")
            #expect(twoChecked)
            #expect(one == two)
            #expect(one.info.featureCount == 1500 && one.info.columns.map(\.type) == [.integer, .text])
            #expect(one.info.geometryColumnType == (polygons ? "POLYGON" : "POINT"))
        }
    }

    @Test("parsing on a second thread (the pipeline) makes the same layer, and the same errors, as one thread")
    func pipelined() throws {
        let odd = #"{"type":"Feature","id":1200,"properties":{"n":1200,"s":"x"},"geometry":{"type":"Point","coordinates":[60.6]}}"#
        for text in [Files.file(), Files.file(polygons: true), Files.file(odd: #"{"type":"Feature","id":1200,"properties":{"n":12.5,"s":"x"},"geometry":{"type":"Point","coordinates":[60.6,56.9]}}"#)] {
            var outcomes: [[Feature]] = []
            for pipelined in [true, false] {
                let t = try TemporaryStore(.spatiaLite)
                let path = try t.writeText(text, name: "layer.geojson")
                var importer = t.importer
                importer.pipelined = pipelined
                let report = try importer.importFile(path, options: ImportOptions(layer: "layer", kind: .other))
                #expect(report.layer.featureCount == 1500)
                outcomes.append(try t.features("layer"))
                #expect(try t.problems() == [])
            }
            #expect(outcomes[0] == outcomes[1])
        }
        var messages: [String] = []
        for pipelined in [true, false] {
            let t = try TemporaryStore(.spatiaLite)
            let path = try t.writeText(Files.file(odd: odd), name: "bad.geojson")
            var importer = t.importer
            importer.pipelined = pipelined
            var failure: (any Error)?
            do { _ = try importer.importFile(path, options: ImportOptions(layer: "bad", kind: .other)) } catch { failure = error }
            messages.append(try #require(failure.map { "\($0)" }).replacing(t.folder, with: ""))
            #expect(try t.store.layer(named: "bad") == nil)
            #expect(try t.problems() == [])
        }
        #expect(messages[0] == messages[1])
    }

    @Test("a later feature with another property, another value type or another geometry type: two passes, the same layer",
          arguments: [
            #"{"type":"Feature","id":1200,"properties":{"n":1200,"s":"x","late":true},"geometry":{"type":"Point","coordinates":[60.6,56.9]}}"#,
            #"{"type":"Feature","id":1200,"properties":{"n":12.5,"s":"x"},"geometry":{"type":"Point","coordinates":[60.6,56.9]}}"#,
            #"{"type":"Feature","id":1200,"properties":{"n":1200,"s":"x"},"geometry":{"type":"LineString","coordinates":[[60.6,56.9],[60.7,56.95]]}}"#,
          ])
    func contradicted(_ odd: String) throws {
        let text = Files.file(odd: odd)
        let (one, checked) = try Files.load(text, into: .spatiaLite, onePass: true)
        let (two, _) = try Files.load(text, into: .spatiaLite, onePass: false)
        #expect(checked, "no check pass ran")
        #expect(one == two)
        #expect(one.info.featureCount == 1500)
    }

    @Test("an invalid geometry after the layout sample: repaired by the two passes, as asked; refused with every offender by reject")
    func invalidLater() throws {
        let odd = "{\"type\":\"Feature\",\"id\":1200,\"properties\":{\"n\":1200,\"s\":\"x\"},\"geometry\":\(Files.polygon(60.6, 56.9, invalid: true))}"
        let text = Files.file(polygons: true, odd: odd)
        let (one, checked) = try Files.load(text, into: .spatiaLite, onePass: true) { $0.onInvalid = .repair }
        let (two, _) = try Files.load(text, into: .spatiaLite, onePass: false) { $0.onInvalid = .repair }
        #expect(checked)
        #expect(one.repaired == 1 && one == two)

        let t = try TemporaryStore(.spatiaLite)
        let path = try t.writeText(text, name: "bad.geojson")
        let before = try t.snapshot()
        #expect(throws: ImportError.self) { try t.importLayer(path, "bad") { $0.onInvalid = .reject } }
        #expect(try t.snapshot() == before)
        #expect(try t.problems() == [])
    }

    @Test("bad input after the layout sample: the two-pass error, and nothing written")
    func badInputLater() throws {
        let odd = #"{"type":"Feature","id":1200,"properties":{"n":1200,"s":"x"},"geometry":{"type":"Point","coordinates":[60.6]}}"#
        var messages: [String] = []
        for onePass in [true, false] {
            let t = try TemporaryStore(.spatiaLite)
            let path = try t.writeText(Files.file(odd: odd), name: "bad.geojson")
            let before = try t.snapshot()
            var importer = t.importer
            importer.onePass = onePass
            var failure: (any Error)?
            do { _ = try importer.importFile(path, options: ImportOptions(layer: "bad", kind: .other)) } catch { failure = error }
            let got = try #require(failure.map { "\($0)" })
            #expect(got.contains("1200") || got.contains("1201"), "the error names the feature: \(got)")
            messages.append(got.replacing(t.folder, with: ""))
            #expect(try t.snapshot() == before)
            #expect(try t.problems() == [])
        }
        #expect(messages[0] == messages[1])
    }
}
