import ArgumentParser
import GeoCore
import Layers

/// `geoctl bench coverage`: the coverage analysis alone, on features already in memory.
struct BenchCoverage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Time the waste-site coverage analysis alone (projection, nearest sites, violations), median of runs.",
        discussion: "The files are read once, outside the timing, as the anchors' loading is. `geoctl coverage` adds reading the store and starting the process.")

    @Option(help: "Buildings (GeoJSON polygons).") var buildings: String
    @Option(help: "Sites (GeoJSON points).") var sites: String
    @Option(help: "Runs; the median is reported.") var runs = 5
    @Option(help: "Output: table, json or csv.") var format: OutputFormat = .table

    func run() throws {
        let b: [Feature], s: [Feature]
        do {
            b = try GeoJSONReader(path: buildings).readAll()
            s = try GeoJSONReader(path: sites).readAll()
        } catch { throw fail(error) }
        var times: [Double] = []
        var report: CoverageReport?
        for _ in 0 ..< max(1, runs) {
            let t = Terminal.now()
            do { report = try CoverageAnalysis.run(buildings: b, sites: s, rules: .urban) } catch { throw fail(error) }
            times.append(Terminal.now() - t)
        }
        times.sort()
        guard let report else { return }
        var m = Measures()
        m.add("buildings", "buildings", .int(b.count))
        m.add("sites", "sites", .int(s.count))
        m.add("analysis_s", "analysis (s, median)", .number(times[times.count / 2], 4))
        m.add("uncovered", "uncovered (> 100 m)", .int(report.buildings.filter { !$0.covered }.count))
        m.add("sites_too_close_to_a_building", "sites nearer than 20 m to a building",
              .int(report.sites.filter { $0.violations.contains { $0.kind == .building } }.count))
        m.add("peak_mib", "peak memory (MiB)", .number(Terminal.peakMemoryMiB(), 1))
        print(m.render(format))
    }
}
