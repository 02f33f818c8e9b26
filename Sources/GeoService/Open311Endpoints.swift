import GeoCore
import Hummingbird
import Layers

extension ServiceContext {
    /// Open311 GeoReport v2 discovery: `GET /open311/v2/services.json` lists the routing
    /// categories as services (`service_code`, `service_name`, `description`, `metadata`,
    /// `type`, `keywords`, `group`); `GET /open311/v2/services/{code}.json` is one service's
    /// definition (no extra attributes: a location and a description are all a category needs).
    ///
    /// `group` is the sphere of the category's first rule layer (housing, utilities, …), or
    /// `general` for a category routed by fallback alone.
    func addOpen311Endpoints(to router: Hummingbird.Router<BasicRequestContext>) {
        router.get("/open311/v2/services.json") { _, _ -> Response in
            let loaded = try loaded()
            return JSONResponse.value(.array(loaded.rules.categories.map { Self.service($0, catalog: loaded.catalog) }))
        }

        router.get("/open311/v2/services/{code}") { _, context -> Response in
            var code = context.parameters.get("code") ?? ""
            guard code.hasSuffix(".json") else { throw Problem.notFound("service definitions are served as /open311/v2/services/CODE.json") }
            code.removeLast(5)
            let loaded = try loaded()
            guard loaded.rules.categories.contains(where: { $0.id == code }) else {
                throw Problem.notFound("no service \"\(code.prefix(64))\"; see /open311/v2/services.json")
            }
            return JSONResponse.value(.object(["service_code": .string(code), "attributes": .array([])]))
        }
    }

    static func service(_ c: AppealCategory, catalog: [LayerInfo]) -> JSONValue {
        let group = c.strategies.lazy.compactMap(\.layer).first.flatMap { name in
            catalog.first { $0.name == name && $0.visibility == .public }?.sphere
        } ?? "general"
        return .object([
            "service_code": .string(c.id), "service_name": .string(c.nameRU),
            "description": .string("\(c.nameEN); answered within \(c.deadlineDays) day\(c.deadlineDays == 1 ? "" : "s")"),
            "metadata": .bool(false), "type": .string("realtime"), "keywords": .string(c.nameEN.lowercased()),
            "group": .string(group),
        ])
    }
}
