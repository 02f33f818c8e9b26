import GeoCore

/// One fuzz input: read it as GeoJSON, and whatever the reader accepts must write out and
/// read back to the same features. Any crash, hang or failed round trip is a bug.
///
/// `scripts/fuzz.sh` builds this with `-sanitize=fuzzer,address` (libFuzzer supplies `main`);
/// the ordinary build gets a replayer that runs files given on the command line through it.
func fuzzOne(_ bytes: UnsafeBufferPointer<UInt8>) {
    let reader = GeoJSONReader(bytes: bytes, source: "<fuzz>")
    var features: [Feature] = []
    do {
        while let f = try reader.next() {
            features.append(f)
            if features.count > 10_000 { return }
        }
    } catch {
        // A clear error is the right answer to bad input; its text must be well formed.
        _ = error.description
        return
    }
    let writer = GeoJSONWriter(options: GeoJSONWriteOptions(precision: nil, rightHandRule: false))
    do {
        try writer.begin()
        for f in features { try writer.write(f) }
        try writer.finish()
    } catch {
        fatalError("writing accepted features failed: \(error)")
    }
    let again: [Feature]
    do {
        again = try GeoJSONReader(bytes: writer.bytes, source: "<round trip>").readAll()
    } catch {
        fatalError("geoctl's own output did not read back: \(error)\n\(String(decoding: writer.bytes, as: UTF8.self))")
    }
    guard again == features else {
        fatalError("round trip changed the features:\n\(String(decoding: writer.bytes, as: UTF8.self))")
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(UnsafeBufferPointer(start: data, count: size))
    return 0
}

typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// libFuzzer's entry for a program with its own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: FuzzCallback) -> CInt

/// SwiftPM links an executable's entry as `<module>_main`; hand it to libFuzzer's driver.
@_cdecl("geojson_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzerTestOneInput)
}
#else
#if canImport(Glibc)
import Glibc
#endif

/// Replays saved inputs (crashes, the corpus) without libFuzzer: `geojson-fuzz FILE…`.
@main
struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else { print("cannot open \(path)"); exit(74) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = fread(&chunk, 1, chunk.count, file)
                if n <= 0 { break }
                bytes += chunk[0 ..< n]
            }
            fclose(file)
            bytes.withUnsafeBufferPointer(fuzzOne)
        }
    }
}
#endif
