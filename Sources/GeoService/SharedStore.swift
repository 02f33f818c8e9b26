import Layers
import Synchronization

/// The store connection requests read features through (`/at`, MapIt, OGC API items), one
/// reader at a time. Routing never touches it: the router holds its layers in memory.
/// When a read fails the connection is dropped and the next request opens a new one, so a
/// store file replaced underneath does not wedge the service.
final class SharedStore: Sendable {
    private let connection = Mutex<(any LayerStore)?>(nil)
    private let open: @Sendable () throws -> any LayerStore

    init(open: @escaping @Sendable () throws -> any LayerStore) { self.open = open }

    func read<T: Sendable>(_ body: (any LayerStore) throws -> T) throws -> T {
        try connection.withLock { box -> T in
            if box == nil { box = try open() }
            do {
                return try body(box!)
            } catch {
                box = nil
                throw error
            }
        }
    }
}
