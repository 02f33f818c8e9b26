import Foundation
import Testing

/// Hostile input through the real binary: each case gets a clear error naming the file, the
/// feature and the reason (or is accepted), in bounded time and memory, and a failed import
/// leaves the store exactly as it was.
@Suite("Hostile input")
struct HostileInputTests {
    /// name → (file contents, the reason the error must give, or nil when it must be accepted)
    static let cases: [String: ([UInt8], String?)] = {
        func text(_ s: String) -> [UInt8] { Array(s.utf8) }
        let feature = #"{"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[60.7,56.1]}}"#
        let list: [(String, [UInt8], String?)] = [
            ("nesting 100,000 levels deep", text(#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"x":"#
                + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}}]}"),
             "nesting deeper than 128 levels"),
            ("coordinates nested 100,000 deep", text(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":"#
                + String(repeating: "[", count: 100_000)), "nesting deeper than 128 levels"),
            ("1e400", text(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1e400,56]}}]}"#),
             "number 1e400 is out of the range"),
            ("1e400 in a property", text(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":-1e400},"geometry":null}]}"#),
             "out of the range"),
            ("-0", text(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"z":-0,"w":-0.0},"geometry":{"type":"Point","coordinates":[60.7,56.1]}}]}"#), nil),
            ("NaN spelled out", text(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[NaN,56]}}]}"#),
             "NaN and Infinity are not JSON numbers"),
            ("duplicate keys", text(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1,"a":2},"geometry":null}]}"#),
             "duplicate member name \"a\""),
            ("invalid UTF-8", text(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":""#) + [0xC3, 0x28]
                + text(#""},"geometry":null}]}"#), "invalid UTF-8"),
            ("a UTF-8 BOM", [0xEF, 0xBB, 0xBF] + text(#"{"type":"FeatureCollection","features":["# + feature + "]}"), nil),
            ("CRLF line endings", text("{\"type\":\"FeatureCollection\",\r\n\"features\":[\r\n" + feature + ",\r\n" + feature + "\r\n]}\r\n"), nil),
            ("a truncated file", text(#"{"type":"FeatureCollection","features":["# + feature + "," + feature.prefix(60)), "truncated"),
            ("an empty file", [], "empty input"),
            ("only whitespace", text(" \n\t\r\n  "), "empty input"),
            ("a FeatureCollection inside a Feature", text(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"FeatureCollection","features":[]}}]}"#),
             "FeatureCollection is not a geometry type"),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.0, ($0.1, $0.2)) })
    }()

    @Test("each hostile file: a clear error naming file, feature and reason (or accepted), fast, in little memory; a failed import changes nothing",
          arguments: cases.keys.sorted())
    func hostileFile(name: String) throws {
        let (contents, reason) = Self.cases[name]!
        let s = try Scratch()
        #expect(try s.geoctl(["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site"]).status == 0)
        let before = try storeSnapshot(s)
        let file = s.folder + "/hostile.geojson"
        try Data(contents).write(to: URL(fileURLWithPath: file))
        let r = try MeasuredRun.geoctl(["import", file, "--layer", "hostile", "--kind", "other", "--store", s.store])
        #expect(r.signal == nil, "\(name): killed by signal \(r.signal ?? 0)")
        #expect(r.seconds < 20 * MeasuredRun.timeFactor, "\(name): \(r.seconds) s")
        #expect(r.peakMiB < 200 * MeasuredRun.memoryFactor, "\(name): \(r.peakMiB) MiB")
        if let reason {
            #expect(r.status == 1, "\(name): \(r.stderr)")
            #expect(r.stderr.contains(file) && r.stderr.contains(reason), "\(name): \(r.stderr)")
            #expect(try storeSnapshot(s) == before, "\(name): the store changed")
        } else {
            #expect(r.status == 0, "\(name): \(r.stderr)")
            #expect(try s.geoctl(["layers", "--format", "csv"]).stdout.contains("\nhostile,other,"))
        }
    }

    @Test("a feature index names the feature that is wrong, counted from 0")
    func featureIndex() throws {
        let s = try Scratch()
        let file = s.folder + "/third.geojson"
        let ok = #"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[60.7,56.1]}}"#
        try (#"{"type":"FeatureCollection","features":["# + ok + "," + ok + #",{"type":"Feature","properties":{"a":NaN},"geometry":null}]}"#)
            .write(toFile: file, atomically: true, encoding: .utf8)
        let r = try s.geoctl(["import", file, "--layer", "x", "--kind", "other"])
        #expect(r.status == 1 && r.stderr.contains("\(file):1:") && r.stderr.contains("feature 2: "), "\(r.stderr)")
    }

    @Test("a polygon of 5 million vertices is accepted; memory and time stay bounded")
    func fiveMillionVertices() throws {
        let s = try Scratch()
        let file = s.folder + "/huge-polygon.geojson"
        let vertices = Int(ProcessInfo.processInfo.environment["GEOCTL_HOSTILE_VERTICES"] ?? "") ?? 5_000_000
        try writeCirclePolygon(vertices: vertices, to: file)
        let r = try MeasuredRun.geoctl(["import", file, "--layer", "huge", "--kind", "other", "--store", s.store])
        #expect(r.status == 0, "\(r.stderr)")
        // 5 M positions are 80 MB as doubles; GEOS's copy for the validity check and the WKB
        // for SpatiaLite come on top. BENCHMARKS.md states the release figure.
        #expect(r.peakMiB < 1024 * MeasuredRun.memoryFactor, "\(r.peakMiB) MiB")
        let layers = try s.geoctl(["layers", "--format", "csv"])
        #expect(layers.stdout.contains("huge,other,1,Polygon,"), "\(layers.stdout)")
        print("\(vertices)-vertex polygon: import in \(r.seconds) s, peak \(r.peakMiB) MiB (debug build)")
    }

    @Test("1 GB of valid features streamed from stdin: every one read, memory flat")
    func gigabyteFromStdin() throws {
        let megabytes = Int(ProcessInfo.processInfo.environment["GEOCTL_HOSTILE_STDIN_MB"] ?? "") ?? 1024
        // One block of features, repeated: the reader sees a well-formed stream of any length.
        var block: [UInt8] = []
        var perBlock = 0
        while block.count < 1 << 20 {
            block += Array(#"{"type":"Feature","id":\#(perBlock),"properties":{"категория":"Вывоз мусора","text":"переполнен контейнер у дома \#(perBlock)"},"geometry":{"type":"Point","coordinates":[\#(60.7 + Double(perBlock % 997) * 1e-4),\#(56.05 + Double(perBlock % 991) * 1e-4)]}},"#.utf8) + [10]
            perBlock += 1
        }
        let blocks = megabytes * (1 << 20) / block.count
        let repeated = block
        let head = Array(#"{"type":"FeatureCollection","features":["#.utf8)
        let tail = Array(#"{"type":"Feature","properties":{},"geometry":null}]}"#.utf8)
        let r = try MeasuredRun.geoctl(["inspect", "-", "--format", "json"], input: .stream { fd in
            head.withUnsafeBytes { _ = writeAll(fd, $0) }
            repeated.withUnsafeBytes { b in
                for _ in 0 ..< blocks where writeAll(fd, b) {}
            }
            tail.withUnsafeBytes { _ = writeAll(fd, $0) }
        })
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(summary["features"] as? Int == blocks * perBlock + 1)
        #expect(r.peakMiB < 100 * MeasuredRun.memoryFactor, "\(r.peakMiB) MiB for \(megabytes) MB")
        print("\(megabytes) MB from stdin: \(r.seconds) s, peak \(r.peakMiB) MiB")
    }

    /// Everything a failed import must not touch: the catalog and every layer's features.
    func storeSnapshot(_ s: Scratch) throws -> String {
        let layers = try s.geoctl(["layers", "--format", "csv", "--include-restricted"]).stdout
        var all = layers
        for line in layers.split(separator: "\n").dropFirst() {
            let name = String(line.split(separator: ",")[0])
            all += try s.geoctl(["export", name, "--include-restricted"]).stdout
        }
        return all
    }

    /// A circle of `vertices` positions around the sample city, written without Foundation
    /// formatting (fast enough in a debug build).
    func writeCirclePolygon(vertices: Int, to path: String) throws {
        var out: [UInt8] = []
        out.reserveCapacity(vertices * 30)
        out += Array(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"circle"},"geometry":{"type":"Polygon","coordinates":[["#.utf8)
        func fixed9(_ v: Double) {
            var n = Int64((v * 1e9).rounded())
            let whole = n / 1_000_000_000
            n %= 1_000_000_000
            var digits: [UInt8] = []
            var w = whole
            repeat { digits.append(UInt8(48 + w % 10)); w /= 10 } while w > 0
            out += digits.reversed()
            out.append(46)
            var frac = [UInt8](repeating: 48, count: 9)
            for i in stride(from: 8, through: 0, by: -1) { frac[i] = UInt8(48 + n % 10); n /= 10 }
            out += frac
        }
        for i in 0 ... vertices {
            let a = Double(i % vertices) / Double(vertices) * 2 * Double.pi
            if i > 0 { out.append(44) }
            out.append(91)
            fixed9(60.73 + 0.05 * cos(a))
            out.append(44)
            fixed9(56.08 + 0.03 * sin(a))
            out.append(93)
        }
        out += Array("]]}}]}".utf8)
        try Data(out).write(to: URL(fileURLWithPath: path))
    }
}

/// Every input the fuzzer ever crashed on, kept in fixtures/fuzz/ and replayed through the
/// same check the fuzzer runs (read; what is accepted must write and read back unchanged).
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    @Test("fixtures/fuzz/* replay cleanly through the fuzz target")
    func replay() throws {
        let folder = Geoctl.repository.appendingPathComponent("fixtures/fuzz").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { "\(folder)/\($0)" }
        #expect(!files.isEmpty)
        let replayer = URL(fileURLWithPath: Geoctl.binary).deletingLastPathComponent().appendingPathComponent("geojson-fuzz").path
        for file in files {
            let r = try Geoctl.run(executable: replayer, [file])
            #expect(r.status == 0, "\(file): \(r.stderr)")
        }
    }
}
