import Foundation
import GeoCore
import Layers

/// One loaded state of the service: the router, its rules, and the catalog it was built
/// from. Immutable; a request keeps the one it started with to the end, so a reload never
/// changes an answer half-way.
public final class LoadedRouter: Sendable {
    public let router: Layers.Router
    /// The router's decisions as JSON, for the fast path of `GET /route`.
    let decisions: DecisionJSONWriter
    /// The catalog (restricted layers included) when the router was built.
    public let catalog: [LayerInfo]
    public let fingerprint: StoreFingerprint
    /// Seconds since 1970 when it was swapped in.
    public let loadedAt: Double

    /// Per category in the rules' order: its id's UTF-8 bytes, or nil while it cannot route.
    private let availableCategoryIDs: [[UInt8]?]

    init(router: Layers.Router, catalog: [LayerInfo], fingerprint: StoreFingerprint) {
        self.router = router
        decisions = DecisionJSONWriter(router: router)
        let unavailable = router.unavailableCategories
        availableCategoryIDs = router.rules.categories.map { unavailable[$0.id] == nil ? Array($0.id.utf8) : nil }
        self.catalog = catalog
        self.fingerprint = fingerprint
        loadedAt = Date().timeIntervalSince1970
    }

    public var rules: RoutingRules { router.rules }

    /// The index of the category whose id is these UTF-8 bytes, when it can route; nil for an
    /// unknown or unavailable category (or the same id in another Unicode normalisation,
    /// which the router's own lookup still finds).
    func availableCategory(utf8 id: [UInt8]) -> Int? {
        id.withUnsafeBytes { bytes in
            for (i, known) in availableCategoryIDs.enumerated() {
                guard let known, known.count == bytes.count else { continue }
                if known.withUnsafeBytes({ bytes.count == 0 || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) { return i }
            }
            return nil
        }
    }
}

/// What a reload compares: every layer's catalog version and import time, and the rules
/// file's digest. Equal fingerprints mean nothing to reload.
public struct StoreFingerprint: Sendable, Equatable {
    public var layers: [String: String]
    public var rulesDigest: String

    /// Reads the catalog and the rules file now.
    public static func read(store: any LayerStore, rulesPath: String) throws -> StoreFingerprint {
        var layers: [String: String] = [:]
        for info in try store.layers(includeRestricted: true) {
            layers[info.name] = "\(info.version)|\(info.importedAt)|\(info.visibility.rawValue)|\(info.featureCount)"
        }
        return StoreFingerprint(layers: layers, rulesDigest: try digest(ofFile: rulesPath))
    }

    static func digest(ofFile path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServiceError.cannotRead(path)
        }
        var hasher = SHA256()
        hasher.update([UInt8](data))
        return hasher.finalize()
    }
}

/// Why the service cannot (re)load.
public enum ServiceError: Error, Sendable, CustomStringConvertible {
    case cannotRead(String)
    case rulesNameHiddenLayer(String)
    case badAPIKeys(file: String, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let path): "\(path): cannot read the file"
        case .rulesNameHiddenLayer(let name): "the rules name layer \"\(name)\", which the store lacks or keeps restricted; a served router routes on public layers only"
        case .badAPIKeys(let file, let reason): "\(file): \(reason)"
        }
    }
}
