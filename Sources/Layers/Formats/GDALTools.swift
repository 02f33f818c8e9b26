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

    /// A GDAL program started with its standard error drained on another thread, so that
    /// neither pipe can fill up and stall it; read ``output``, then call ``finish()``.
    final class RunningTool {
        let process = Process()
        /// The program's standard output.
        let output: FileHandle
        private let errorText = ErrorBox()

        init(_ executable: String, _ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardInput = FileHandle.nullDevice
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            output = out.fileHandleForReading
            try process.run()
            let errorText = errorText
            Thread {
                errorText.data = err.fileHandleForReading.readDataToEndOfFile()
                errorText.done.signal()
            }.start()
        }

        /// Waits for the exit; its status and standard error.
        func finish() -> (status: Int32, stderr: String) {
            process.waitUntilExit()
            errorText.done.wait()
            return (process.terminationStatus, String(decoding: errorText.data, as: UTF8.self))
        }
    }

    /// Runs `program` to completion and returns its exit status, standard output and the
    /// lines of its standard error (for short outputs such as `ogrinfo -so`).
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let tool = try RunningTool(executable, arguments)
        let output = tool.output.readDataToEndOfFile()
        let (status, stderr) = tool.finish()
        return (status, String(decoding: output, as: UTF8.self), stderr)
    }

    fileprivate final class ErrorBox: @unchecked Sendable {
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
