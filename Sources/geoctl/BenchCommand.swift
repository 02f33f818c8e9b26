import ArgumentParser
import GeoCore

/// `geoctl bench …`: measured throughput of the engine's hot paths (never timed in unit tests).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks: parse throughput and friends.",
        subcommands: [BenchParse.self, BenchRoute.self, BenchCoverage.self, BenchRead.self, BenchWorks.self])
}

/// `geoctl bench parse FILE…`: GeoJSON into GeoCore values, MB/s and features/s, median of runs.
struct BenchParse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse GeoJSON files into geoctl's values: median MB/s, features/s and peak memory.",
        discussion: "Each run streams the file from disk (page cache) through the reader and builds every Feature. Peak memory is the process's maximum resident set; run one file per process to compare files.")

    @Argument(help: "GeoJSON files.")
    var files: [String]

    @Option(help: "Runs per file; the median is reported.")
    var runs = 3

    @Option(help: "Output: table, json or csv.")
    var format: OutputFormat = .table

    func run() throws {
        var table = TextTable(columns: ["file", "MB", "features", "seconds", "MB/s", "features/s", "peak MiB"],
                              keys: ["file", "mb", "features", "seconds", "mb_per_s", "features_per_s", "peak_mib"])
        for file in files {
            guard let size = Terminal.fileSize(file) else { throw fail(GeoJSONError(source: file, featureIndex: nil, line: 0, column: 0, byteOffset: 0, reason: "cannot open")) }
            var times: [Double] = []
            var count = 0
            for _ in 0 ..< max(1, runs) {
                let start = Terminal.now()
                do {
                    let reader = try GeoJSONReader(path: file)
                    count = 0
                    while try reader.next() != nil { count += 1 }
                } catch {
                    throw fail(error)
                }
                times.append(Terminal.now() - start)
            }
            times.sort()
            let median = times[times.count / 2]
            let mb = Double(size) / 1e6
            table.add(cells: .text(file), .number(mb, 1), .int(count), .number(median, 3), .number(mb / median, 1),
                      .number(Double(count) / median, 0), .number(Terminal.peakMemoryMiB(), 1))
        }
        print(table.render(format))
    }
}
