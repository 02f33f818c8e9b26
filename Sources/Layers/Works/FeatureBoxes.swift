import GeoCore

/// The lon/lat box of every feature of a layer, flat, made once when the layer is read: a
/// pass over every feature (`affected` over 200,000 buildings) then reads 32 bytes per
/// feature in order instead of fetching every feature's coordinate array from the heap.
public struct FeatureBoxes: Sendable {
    /// minX, minY, maxX, maxY per feature; NaN for a feature without positions.
    let flat: [Double]

    public var count: Int { flat.count / 4 }

    /// The boxes of `features`, read from their coordinates on every core.
    public init(_ features: [Feature]) {
        let parts = BorrowedElements.with(features) { f in
            // parallelMap only rethrows: this body never throws.
            (try? parallelMap(features.count, minimumForTwo: 8192, slicesPerWorker: 4) { range -> [[Double]] in
                var flat: [Double] = []
                flat.reserveCapacity(4 * range.count)
                for i in range {
                    if let b = f[i].geometry.flatBoundingBox {
                        flat.append(b.minX); flat.append(b.minY); flat.append(b.maxX); flat.append(b.maxY)
                    } else {
                        flat.append(.nan); flat.append(.nan); flat.append(.nan); flat.append(.nan)
                    }
                }
                return [flat]
            }) ?? []
        }
        flat = parts.count == 1 ? parts[0] : parts.reduce(into: []) { $0 += $1 }
    }
}
