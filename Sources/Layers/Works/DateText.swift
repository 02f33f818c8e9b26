import GeoCore

/// A date property's text (up to 32 bytes of UTF-8) copied out of its feature, for reading
/// every feature's window without copying the feature.
///
/// Why: handing a feature read in place to a function the optimizer cannot see into makes
/// Swift retain its id, geometry and properties for the call and release them after: atomic
/// operations on heap objects, per feature and per date. ``copy(_:_:at:)`` is inlined and
/// calls nothing that could change the feature, so nothing is retained; the dates are then
/// read from the copy (``seconds(_:_:)``) in the layouts almost every layer writes. Anything
/// else (another property order, spaces, other layouts, errors) is for the general reading.
struct DateText {
    private var bytes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var count = 0

    /// Copies the string member at position `hint` of `properties` when it is named `key`:
    /// false when another member is there, or it is not a string, or is longer than 32 bytes.
    @inline(__always)
    mutating func copy(_ properties: JSONObject, _ key: String, at hint: Int) -> Bool {
        guard hint < properties.members.count else { return false }
        let member = properties.members[hint]
        guard member.key == key, case .string(let text) = member.value else { return false }
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { utf8 in
            guard utf8.count <= 32 else { return false }
            withUnsafeMutableBytes(of: &bytes) { raw in
                for k in 0 ..< utf8.count { raw[k] = utf8[k] }
            }
            count = utf8.count
            return true
        }
        return copied ?? false
    }

    /// The instant the copied text stands for, when it is in one of the fixed layouts
    /// (``ISOTimestamp``'s fast reading: the same instant the general reading gives); nil otherwise.
    func seconds(_ meaning: ISOTimestamp.DateMeaning, _ defaultOffset: Int) -> Double? {
        withUnsafeBytes(of: bytes) { raw in
            ISOTimestamp.fixedLayout(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0 ..< count]), meaning, defaultOffset)
        }
    }
}
