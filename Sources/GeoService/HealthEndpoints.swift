import GeoCore
import Hummingbird
import Layers

extension ServiceContext {
    /// `/healthz` (the process is up), `/readyz` (a router is loaded, or why not; the last
    /// reload's error), `/metrics` (Prometheus text) and `/openapi.json`.
    func addHealthEndpoints(to router: Hummingbird.Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ -> Response in
            JSONResponse.value(.object(["status": .string("ok")]))
        }

        router.get("/readyz") { _, _ -> Response in
            guard let loaded = state.current else {
                return Problem.notReady(state.lastError ?? "no router is loaded yet").response()
            }
            // Ready while any category routes; the ones that cannot are listed with the reason.
            let unavailable = loaded.router.unavailableCategories
            var o: JSONObject = ["status": .string(unavailable.isEmpty ? "ready" : "degraded")]
            o["layers"] = .object(JSONObject(members: loaded.router.layerVersions.sorted { $0.key < $1.key }.map {
                JSONObject.Member(key: $0.key, value: .integer(Int64($0.value)))
            }))
            o["categories"] = .integer(Int64(loaded.rules.categories.count))
            o["unavailable_categories"] = .object(JSONObject(members: unavailable.sorted { $0.key < $1.key }.map {
                JSONObject.Member(key: $0.key, value: .string($0.value))
            }))
            o["loaded_at"] = .number(loaded.loadedAt)
            o["router_memory_bytes"] = .integer(Int64(loaded.router.memoryBytes))
            o["reloads"] = .integer(Int64(state.reloadCount))
            o["reload_failures"] = .integer(Int64(state.failureCount))
            o["last_reload_error"] = state.lastError.map(JSONValue.string) ?? .null
            return JSONResponse.value(.object(o))
        }

        router.get("/metrics") { _, _ -> Response in
            JSONResponse.bytes(metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }

        router.get("/openapi.json") { _, _ -> Response in
            JSONResponse.bytes(Array(OpenAPIDocument.text.utf8), contentType: "application/vnd.oai.openapi+json;version=3.1")
        }
    }
}
