import CPrefetch
import GeoCore

/// Asking the processor to fetch a feature's coordinates into the cache before a pass over a
/// layer reads them. Such a pass reads each feature's arrays once, from anywhere in the heap:
/// without a hint each one is a cache miss the pass waits for; with hints given a few features
/// ahead, the next features' arrays arrive while one is read. A hint never faults and changes no
/// result. Inlined: the addresses are taken without touching a reference count. (A hint for
/// the date members was tried and dropped: taking the address of the properties' array
/// retained and released it, an atomic operation on a line not yet in the cache.)
enum CacheHint {
    /// The coordinates of a polygon or a line (a point has none outside the feature).
    @inline(__always)
    static func coordinates(_ g: Geometry?) {
        // Only an address for the hint, given once the array is no longer borrowed.
        let address: UnsafeRawPointer?
        switch g {
        case .polygon(let p)?: address = p.coordinates.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        case .lineString(let l)?: address = l.coordinates.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        default: address = nil
        }
        if let address { geoctl_prefetch(address) }
    }
}
