import Foundation
import Testing
import GeoCore
@testable import Layers

/// The first layer of a store created by the same process is written through a rollback
/// journal (FreshStoreJournal.swift); the store must end in WAL mode whatever happens.
@Suite("Fresh store journal: the first layer of a new store written once, the store back in WAL")
struct FreshStoreJournalTests {
    /// The journal mode the file's header records: bytes 18 and 19 are 2 in WAL mode, 1 with a rollback journal.
    static func headerMode(_ path: String) throws -> String {
        let head = try #require(FileManager.default.contents(atPath: path)?.prefix(20))
        let bytes = Array(head)
        return bytes[18] == 2 && bytes[19] == 2 ? "wal" : bytes[18] == 1 && bytes[19] == 1 ? "rollback" : "other \(bytes[18]) \(bytes[19])"
    }

    @Test("a first import into a new store ends in WAL mode with no journal left; later imports and readers as before")
    func endsInWAL() throws {
        let t = try TemporaryStore(.spatiaLite)
        var points: [Feature] = []
        for i in 0 ..< 3000 {
            let x = 60.5 + Double(i % 60) * 0.001
            let y = 56.8 + Double(i / 60) * 0.001
            let properties: JSONObject = ["n": .integer(Int64(i))]
            points.append(Feature(id: .integer(Int64(i)), geometry: .point(Point(x: x, y: y)), properties: properties))
        }
        let path = try t.write(points, name: "points.geojson")
        try t.importLayer(path, "first")
        #expect(try Self.headerMode(t.path) == "wal")
        #expect(try t.spatiaLite?.db.scalarText("PRAGMA journal_mode") == "wal")
        #expect(!FileManager.default.fileExists(atPath: t.path + "-journal"))
        // A reader holding the store open while the next layer is written.
        let reader = try SpatiaLiteStore(path: t.path, create: false)
        try t.importLayer(path, "second")
        #expect(try reader.layer(named: "second")?.featureCount == 3000)
        #expect(try t.features("first") == t.features("second"))
        #expect(try t.problems() == [])
    }

    @Test("a store left in rollback mode (a first import killed) goes back to WAL when opened")
    func restoredOnOpen() throws {
        let t = try TemporaryStore(.spatiaLite)
        let db = try #require(t.spatiaLite?.db)
        #expect(try db.scalarText("PRAGMA journal_mode=DELETE") == "delete")
        #expect(try Self.headerMode(t.path) == "rollback")
        let reopened = try SpatiaLiteStore(path: t.path, create: false)
        #expect(try reopened.db.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try Self.headerMode(t.path) == "wal")
    }
}
