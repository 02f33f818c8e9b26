import GeoCore
import Layers

/// What the command line adds to a library error: the flag that would help. The library's
/// messages name no flag, since a program using it has none.
enum ErrorHints {
    static func hint(for error: any Error) -> String {
        switch error {
        case let e as StoreError:
            switch e {
            case .layerExists: return "; pass --replace to replace it"
            case .noStore: return "; or name another store with --store or GEOCTL_STORE"
            default: return ""
            }
        case let e as ImportError:
            switch e {
            case .input(let inner): return hint(for: inner)
            case .invalidGeometries: return "\n(--on-invalid repair makes them valid; --on-invalid skip imports the rest)"
            case .missingIdField: return " (--id-field)"
            case .crs(_, let inner), .transform(_, _, let inner, _): return hint(for: inner)
            default: return ""
            }
        case let e as GeoJSONError where e.outsideLonLat:
            guard let local = e.localSystemHint else { return " with --from-crs" }
            let retry = e.fittingCRSNames.first.map { "; import it again with --from-crs \($0)" } ?? ""
            return " with --from-crs\n\(e.source): \(local)\(retry)"
        case let e as ProjError:
            if case .notMetric = e { return " (or leave --crs auto)" }
            return ""
        default: return ""
        }
    }
}
