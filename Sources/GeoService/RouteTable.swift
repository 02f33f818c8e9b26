import Synchronization

/// The routes the application registered, so a request for a known path with a method it
/// does not take gets 405 with `Allow` rather than 404.
final class RouteTable: Sendable {
    private let routes = Mutex<[(segments: [Substring], method: String)]>([])

    /// Records the router's routes ("METHOD /path/{parameter}").
    func record(_ descriptions: [String]) {
        let parsed = descriptions.map { d -> ([Substring], String) in
            let parts = d.split(separator: " ", maxSplits: 1)
            return (parts[1].split(separator: "/"), String(parts[0]))
        }
        routes.withLock { $0 = parsed.map { (segments: $0.0, method: $0.1) } }
    }

    /// The methods a path takes; empty when no route matches it.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        return routes.withLock { table in
            table.filter { route in
                route.segments.count == segments.count && zip(route.segments, segments).allSatisfy { pattern, segment in
                    pattern == segment || pattern.hasPrefix("{") || pattern.hasPrefix(":")
                }
            }.map(\.method)
        }
    }
}
