import GeoCore

/// Copies layers with their catalog entries from one store to another (SpatiaLite to
/// PostGIS and back, or between two of a kind). Each layer is written in one transaction of
/// the destination; features stream through, so memory stays flat. Kind, sphere, owner,
/// visibility, date fields, source file, hash, CRS, import time and typed columns travel with the layer;
/// the version is the destination's own (1 for a new layer, +1 when replacing).
public struct LayerCopier {
    public let source: any LayerStore
    public let destination: any LayerStore

    public init(from source: any LayerStore, to destination: any LayerStore) {
        self.source = source
        self.destination = destination
    }

    /// Copies the named layers (every layer, restricted ones included, when `names` is empty)
    /// and returns what the destination recorded. Stops at the first failure; the layers
    /// copied before it stay copied, and the failed one is not half there.
    public func copy(_ names: [String], replace: Bool, each: ((LayerInfo) -> Void)? = nil) throws -> [LayerInfo] {
        let wanted = names.isEmpty ? try source.layers(includeRestricted: true).map(\.name) : names
        var copied: [LayerInfo] = []
        for name in wanted {
            guard let info = try source.layer(named: name) else { throw StoreError.noSuchLayer(name) }
            let written = try destination.writeLayer(info, replace: replace) { writer in
                try source.forEachFeature(of: name, filter: .all) { try writer.insert($0) }
            }
            each?(written)
            copied.append(written)
        }
        return copied
    }
}
