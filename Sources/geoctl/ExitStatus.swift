import ArgumentParser
import GeoCore
import Layers

/// geoctl's documented exit codes.
enum ExitStatus {
    /// Bad input data: malformed GeoJSON, invalid geometry, unknown CRS.
    static let badInput = ExitCode(1)
    /// A check ran and found problems above its threshold (`geoctl check`).
    static let problemsFound = ExitCode(2)
    /// A file could not be read or written (sysexits EX_IOERR).
    static let ioError = ExitCode(74)
}

/// Prints `error` on stderr and turns it into the exit code its kind calls for.
func fail(_ error: any Error) -> ExitCode {
    Terminal.error("\(error)\(ErrorHints.hint(for: error))")
    switch error {
    case let e as GeoJSONError where e.line == 0: return ExitStatus.ioError
    case is GeoJSONWriteError: return ExitStatus.ioError
    case let e as ImportError:
        switch e {
        case .cannotRead, .cannotWrite: return ExitStatus.ioError
        case .input(let inner) where inner.line == 0: return ExitStatus.ioError
        default: return ExitStatus.badInput
        }
    case let e as StoreError:
        switch e {
        case .cannotOpen, .noStore, .notAStore: return ExitStatus.ioError
        default: return ExitStatus.badInput
        }
    case let e as ConfigurationError where e.isIOError: return ExitStatus.ioError
    case let e as ManifestError where e.isIOError: return ExitStatus.ioError
    default: return ExitStatus.badInput
    }
}
