import CPROJ

/// A PROJ context: one per thread or task (not `Sendable`). It routes PROJ's log to Swift so
/// that failures carry PROJ's real message rather than a generic errno text.
public final class ProjContext {
    let handle: OpaquePointer
    private let log: LogBox

    final class LogBox {
        var messages: [String] = []
    }

    public init() {
        handle = proj_context_create()
        log = LogBox()
        proj_log_func(handle, Unmanaged.passUnretained(log).toOpaque()) { userdata, level, message in
            guard let userdata, let message, level <= PJ_LOG_ERROR.rawValue else { return }
            let box = Unmanaged<LogBox>.fromOpaque(userdata).takeUnretainedValue()
            box.messages.append(String(cString: message))
            if box.messages.count > 8 { box.messages.removeFirst() }
        }
    }

    deinit {
        proj_context_destroy(handle)
    }

    /// A context whose search path holds no proj.db, so PROJ never opens the database: for
    /// operations written out as plain PROJ strings that need neither EPSG lookups nor grids.
    /// (PROJ logs "Cannot find proj.db" at debug level only.)
    static func withoutDatabase() -> ProjContext {
        let context = ProjContext()
        // Nothing can exist below /dev/null.
        "/dev/null/no-proj-db".withCString { path in
            var paths: [UnsafePointer<CChar>?] = [path]
            proj_context_set_search_paths(context.handle, 1, &paths)
        }
        return context
    }

    /// The linked PROJ version, e.g. `9.1.1`.
    public static var version: String {
        let info = proj_info()
        return String(cString: info.version)
    }

    /// The most useful text about the last failure: PROJ's log, else its errno string.
    func lastMessage() -> String {
        defer { log.messages.removeAll() }
        if let last = log.messages.last { return last }
        let code = proj_context_errno(handle)
        if code != 0, let text = proj_context_errno_string(handle, code) { return String(cString: text) }
        return "unknown PROJ error"
    }
}

/// A PROJ failure: an unknown CRS, an impossible transformation, or a point out of its domain.
public enum ProjError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownCRS(String, reason: String)
    case noTransformation(from: String, to: String, reason: String)
    case transformFailed(index: Int, x: Double, y: Double, reason: String)
    /// A CRS named for measuring in metres that is not a projected CRS in metres.
    case notMetric(String, reason: String)

    public var description: String {
        switch self {
        case .unknownCRS(let name, let reason):
            "unknown coordinate reference system \"\(name)\": \(reason)"
        case .noTransformation(let from, let to, let reason):
            "no transformation from \(from) to \(to): \(reason)"
        case .transformFailed(let index, let x, let y, let reason):
            "position \(index) (\(x), \(y)) cannot be transformed: \(reason)"
        case .notMetric(let name, let reason):
            "\(name) cannot measure distances and areas: \(reason); name a projected CRS in metres, such as the data's UTM zone"
        }
    }
}
