#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// GDAL's command-line programs (Debian `gdal-bin`), run as child processes.
///
/// Why a pipe from `ogr2ogr` rather than GDAL's C API (`libgdal-dev`): on Debian 12
/// `apt-get install libgdal-dev` pulls 62 packages (about 275 MB: HDF5, NetCDF, Poppler,
/// Boost, MariaDB and more headers) into every build of geoctl, while `gdal-bin` is one small
/// package over the `libgdal32` it shares, needed only by those who import these formats
/// and absent from the build. A child process also keeps GDAL's crashes and its global
/// configuration out of geoctl's process, and its messages are GDAL's own, which are good.
/// The cost is one JSON round trip per feature, which the streaming reader makes cheap
/// (BENCHMARKS.md, "Formats through ogr2ogr").
enum GDALTools {
    /// The full path of `program` on `$PATH`, or nil.
    static func find(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `program` to completion and returns its exit status, standard output and the
    /// lines of its standard error (for short outputs such as `ogrinfo -so`).
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr on another thread so that neither pipe can fill up and stall GDAL.
        let errorText = ErrorBox()
        let drain = Thread {
            errorText.data = err.fileHandleForReading.readDataToEndOfFile()
            errorText.done.signal()
        }
        drain.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorText.done.wait()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errorText.data, as: UTF8.self))
    }

    final class ErrorBox: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }

    /// GDAL's messages worth showing: errors and warnings, without the ones geoctl causes on
    /// purpose (`-a_srs None` makes GeoJSONSeq note that the layer has no SRS).
    static func messages(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { line in
            !line.isEmpty && !line.contains("No SRS set on layer")
        }
    }
}
