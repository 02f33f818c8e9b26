import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

/// The library's restricted-layer policy is the CLI's: opt in, or the router refuses.
@Suite("Router and restricted layers")
struct RouterVisibilityTests {
    @Test("rules that read a restricted layer need includeRestricted: true; the error names the layer and the opt-in")
    func restrictedStrategyLayer() throws {
        let city = try CityStore(restricted: ["appeals", "territories"])
        #expect(throws: RestrictedLayerError(rulesFile: city.rules.source, layer: "territories")) {
            try Router(store: city.t.store, rules: city.rules)
        }
        do {
            _ = try Router(store: city.t.store, rules: city.rules)
        } catch {
            #expect("\(error)".contains("layer \"territories\", which is restricted"))
            #expect("\(error)".contains("includeRestricted: true"))
            #expect(!"\(error)".contains("--"), "a library error names no CLI flag")
        }

        // Opted in, it routes exactly as a router over the same layers made public.
        let allowed = try Router(store: city.t.store, rules: city.rules, includeRestricted: true)
        #expect(allowed.includeRestricted)
        let open = try CityStore().router()
        for (lon, lat) in [(60.72309, 56.07966), (60.70, 56.07), (60.75, 56.09)] {
            let a = try allowed.decide(lon: lon, lat: lat, category: "garbage")
            let b = try open.decide(lon: lon, lat: lat, category: "garbage")
            #expect(a.organisation == b.organisation && a.featureID == b.featureID)
        }
        // A refreshed router keeps the policy it was built with.
        #expect(try allowed.refreshed(from: city.t.store).includeRestricted)
    }

    @Test("an organisations directory in a restricted layer is refused the same way")
    func restrictedDirectoryLayer() throws {
        let city = try CityStore()
        let orgs = try city.t.write([
            Feature(id: .integer(1), geometry: nil, properties: ["name": .string("Администрация")]),
        ], name: "orgs.geojson")
        try city.t.importLayer(orgs, "organisations") { $0.visibility = .restricted }
        let rules = try RoutingRules(JSONDocument.parse(#"{"organisations":{"layer":"organisations","name":"name"},"categories":[{"id":"snow","name_ru":"Снег","name_en":"Snow","deadline_days":2,"strategies":[{"covering":{"layer":"territories","organisation":"org"}},{"fallback":"Администрация"}]}]}"#), file: "r.json")
        #expect(throws: RestrictedLayerError(rulesFile: "r.json", layer: "organisations")) {
            try Router(store: city.t.store, rules: rules)
        }
        let router = try Router(store: city.t.store, rules: rules, includeRestricted: true)
        #expect(try router.decide(lon: 10, lat: 10, category: "snow").organisation?.name == "Администрация")
    }
}
