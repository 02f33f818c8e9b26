/// Finds a category's index by the bytes of its id, for a batch's rows.
///
/// The router's dictionary hashes a `String`, which for Cyrillic text means normalising it
/// first: at 100,000 rows that was a visible share of a batch. Ids are compared here as UTF-8
/// bytes, the last match first (rows tend to repeat categories); only a row whose bytes match
/// no id (another Unicode normalisation, or an unknown category) goes to the dictionary.
struct CategoryLookup {
    private let router: Router
    private let ids: [[UInt8]]
    private var last = 0

    init(router: Router) {
        self.router = router
        ids = router.rules.categories.map { Array($0.id.utf8) }
    }

    /// The index of the category `id`, or nil when the rules do not know it.
    mutating func index(of id: String) -> Int? {
        guard !ids.isEmpty else { return nil }
        var id = id
        let found: Int? = id.withUTF8 { bytes in
            func matches(_ k: Int) -> Bool { ids[k].withUnsafeBufferPointer { $0.elementsEqual(bytes) } }
            if matches(last) { return last }
            for k in ids.indices where k != last && matches(k) { return k }
            return nil
        }
        if let found {
            last = found
            return found
        }
        return router.categoryIndex(of: id)
    }
}
