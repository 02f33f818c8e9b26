import GeoCore
import Hummingbird
import Layers

extension ServiceContext {
    /// `GET /route` (one appeal, as `geoctl route --format json`) and `GET /at` (what is
    /// here, as `geoctl at --format json`).
    func addRoutingEndpoints(to router: Hummingbird.Router<BasicRequestContext>) {
        router.get("/route") { request, _ -> Response in
            JSONResponse.bytes(try Self.routeAnswer(Query(request), loaded: try loaded()))
        }

        router.get("/at") { request, _ -> Response in
            let query = Query(request)
            let lon = try query.coordinate("lon", in: -180 ... 180)
            let lat = try query.coordinate("lat", in: -90 ... 90)
            let within = try query.integer("within", in: 0 ... 50_000) ?? 5000
            let access = try keys.access(for: request)
            let report = try place(lon: lon, lat: lat, within: Double(within), access: access)
            return JSONResponse.value(report.json)
        }
    }

    /// The body of a `GET /route` answer: the decision as `geoctl route --format json` writes
    /// it (``DecisionJSON``). The event-loop fast path (``RouteFastPath``) answers the routine
    /// requests with the same bytes from the loaded router's ``DecisionJSONWriter``.
    static func routeAnswer(_ query: Query, loaded: LoadedRouter) throws(Problem) -> [UInt8] {
        let lon = try query.coordinate("lon", in: -180 ... 180)
        let lat = try query.coordinate("lat", in: -90 ... 90)
        guard let category = query.string("category"), !category.isEmpty else { throw Problem.missing("category") }
        let decision: RoutingDecision
        do throws(RoutingError) {
            decision = try loaded.router.decide(lon: lon, lat: lat, category: category)
        } catch {
            throw Self.problem(for: error)
        }
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        DecisionJSON.append(decision, lon: lon, lat: lat, to: &out)
        return out
    }

    /// What is here, as far as `access` may see.
    func place(lon: Double, lat: Double, within: Double, access: LayerAccess) throws -> PlaceReport {
        let catalog = try loaded().catalog
        var report = try store.read { store in
            try WhatIsHere.report(store: store, lon: lon, lat: lat, includeRestricted: !access.restricted.isEmpty,
                                  withinMetres: within)
        }
        let readable = Set(access.visible(catalog).map(\.name))
        report.coverings.removeAll { !readable.contains($0.layer) }
        report.nearest.removeAll { !readable.contains($0.layer) }
        return report
    }

    static func problem(for error: RoutingError) -> Problem {
        switch error {
        case .unknownCategory(let id, let known):
            return .unknownCategory(id, known: known)
        case .invalidCoordinates(let lon, let lat):
            return .invalid("lon", "invalid coordinates lon \(lon), lat \(lat): need -180…180 and -90…90")
        case .categoryUnavailable(let id, _):
            return Problem(.serviceUnavailable, type: "category-unavailable", title: "Category unavailable",
                           detail: "category \"\(id)\" cannot be routed until its layers are back", parameter: "category")
        }
    }
}
