import Foundation
import Layers
import Testing

/// A server keeps one SpatiaLite connection open for hours while other processes import.
/// Opening and closing more stores on the same file in that process must not cost the
/// long-lived connection its view of new commits (POSIX locks are per process: closing any
/// descriptor of the file drops them all, and another process could then delete the WAL
/// that connection still maps).
@Suite("long-lived store connections")
struct LongLivedConnectionTests {
    @Test("a connection held open sees every import by another process while stores on the same file open and close beside it")
    func longLivedConnectionFollowsImports() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let watcher = try SpatiaLiteStore(path: s.store, create: false)
        // Two different files, so every --replace makes a new version (an unchanged file does not).
        let original = try String(contentsOfFile: Geoctl.repository.path + "/fixtures/geojson/territories.geojson", encoding: .utf8)
        let changed = s.folder + "/territories-b.geojson"
        try original.replacingOccurrences(of: "\"name\"", with: "\"title\"").write(toFile: changed, atomically: true, encoding: .utf8)
        let files = [changed, "fixtures/geojson/territories.geojson"]
        var seen: [Int] = []
        for i in 0 ..< 4 {
            // Another store on the same file, opened and closed in this process (as each reload does).
            _ = try SpatiaLiteStore(path: s.store, create: false).layers(includeRestricted: true)
            let r = try s.geoctl(["import", files[i % 2], "--layer", "territories", "--kind", "territory", "--replace"])
            #expect(r.status == 0, "\(r.stderr)")
            seen.append(try watcher.layer(named: "territories")?.version ?? 0)
        }
        #expect(seen == [2, 3, 4, 5])
    }
}
