import ArgumentParser
import GeoCore
import Layers

/// `geoctl bench works`: `affected` and `conflicts` alone, on features already in memory.
struct BenchWorks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "works",
        abstract: "Time the affected-buildings and works-conflicts analyses alone, median of runs.",
        discussion: "The files are read once, outside the timing, as the anchors' loading is. `geoctl affected` and `geoctl conflicts` add reading the store and starting the process.")

    @Option(help: "Buildings (GeoJSON polygons).") var buildings: String
    @Option(help: "Works (GeoJSON, with start and end).") var works: String
    @Option(name: .customLong("buffer-metres"), help: "affected: the buffer around lines and points.") var bufferMetres = 10.0
    @Option(name: .customLong("conflict-buffer-metres"), help: "conflicts: works nearer than this clash.") var conflictBufferMetres = 5.0
    @Option(help: "Only works active in the period from this date …") var from = "2025-01-01"
    @Option(help: "… to this one (included).") var to = "2025-12-31"
    @Option(name: .customLong("utc-offset"), help: "The offset of bare dates.") var utcOffset = "+05:00"
    @Option(help: "Runs; the median is reported.") var runs = 3
    @Option(help: "Output: table, json or csv.") var format: OutputFormat = .table

    func run() throws {
        let b: [Feature], w: [Feature]
        do {
            b = try GeoJSONReader(path: buildings).readAll()
            w = try GeoJSONReader(path: works).readAll()
        } catch { throw fail(error) }
        let offset = ISOTimestamp.offset(utcOffset) ?? 0
        guard case .success(let start) = ISOTimestamp.parse(from, defaultOffset: offset),
              case .success(let end) = ISOTimestamp.parse(to, date: .endOfDay, defaultOffset: offset) else {
            throw ValidationError("--from and --to must be ISO 8601 dates")
        }
        let query = TimeQuery.during(TimeWindow(start: start, end: end))
        let fields = WindowFields(defaultOffset: offset)
        // Wall seconds, and beside them CPU seconds (both cores): the machine is shared.
        var cpu: [Double] = []
        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = [], cpuTimes: [Double] = []
            for _ in 0 ..< max(1, runs) {
                let t = Terminal.now(), c = Terminal.cpuSeconds()
                try body()
                times.append(Terminal.now() - t)
                cpuTimes.append(Terminal.cpuSeconds() - c)
            }
            cpu.append(cpuTimes.sorted()[cpuTimes.count / 2])
            return times.sorted()[times.count / 2]
        }
        // Every run's report is kept until the timing ends: `geoctl affected` never frees its
        // report (KeepUntilExit), so freeing the previous run's must not count either.
        var affectedReports: [AffectedReport] = []
        var conflictReports: [ConflictReport] = []
        let affectedSeconds: Double, keptBoxesSeconds: Double, conflictSeconds: Double
        // The buildings' boxes as a store keeps them (the anchors' geometries carry theirs too:
        // GEOS envelopes, PostGIS's serialized boxes), made outside the timing.
        let boxes = FeatureBoxes(b)
        let options = AffectedOptions(layer: "works", fields: fields, query: query, bufferMetres: bufferMetres)
        do {
            affectedSeconds = try median {
                affectedReports.append(try AffectedBuildings.run(features: w, buildings: b, options: options))
            }
            keptBoxesSeconds = try median {
                affectedReports.append(try AffectedBuildings.run(features: w, buildings: b, buildingBoxes: boxes, options: options))
            }
            conflictSeconds = try median {
                conflictReports.append(try WorksConflicts.run(works: w, options: ConflictOptions(layer: "works", fields: fields, query: query, bufferMetres: conflictBufferMetres)))
            }
        } catch { throw fail(error) }
        defer { KeepUntilExit.keep((affectedReports, conflictReports, b, w)) }
        guard let affected = affectedReports.last, let conflicts = conflictReports.last else { return }
        let pairs = affected.features.reduce(0) { $0 + $1.hits.count }
        let area = conflicts.conflicts.reduce(0.0) { $0 + $1.areaSquareMetres }
        var table = TextTable("measure", "value")
        table.add("buildings", String(b.count))
        table.add("works", String(w.count))
        table.add("active works", String(affected.features.count))
        table.add("affected (s, median)", fixed(affectedSeconds, 4))
        table.add("affected, building boxes kept from the read (s, median)", fixed(keptBoxesSeconds, 4))
        table.add("affected CPU, both cores (s, median)", fixed(cpu[0], 4))
        table.add("affected CPU, boxes kept (s, median)", fixed(cpu[1], 4))
        table.add("works-building pairs", String(pairs))
        table.add("buildings affected", String(affected.buildings.count))
        table.add("conflicts (s, median)", fixed(conflictSeconds, 4))
        table.add("conflicts CPU, both cores (s, median)", fixed(cpu[2], 4))
        table.add("clashing pairs", String(conflicts.conflicts.count))
        table.add("shared area (m², sum)", fixed(area, 1))
        table.add("peak memory (MiB)", fixed(Terminal.peakMemoryMiB(), 1))
        print(table.render(format))
    }
}
