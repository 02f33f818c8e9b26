import CGEOS

/// A GEOS context handle (the reentrant `_r` API): create one per thread or task.
///
/// GEOS reports errors through a callback; the context keeps the last message and turns it
/// into a ``GEOSError`` for the call that failed. Not `Sendable`: GEOS handles must not
/// cross threads; pass ``Geometry`` values between tasks instead.
public final class GEOSContext {
    let handle: GEOSContextHandle_t
    private let messages: MessageBox

    /// Collects the messages GEOS passes to its error handler.
    final class MessageBox {
        var lastError: String?
    }

    public init() {
        handle = GEOS_init_r()
        messages = MessageBox()
        let box = Unmanaged.passUnretained(messages).toOpaque()
        GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let message, let userdata else { return }
            Unmanaged<MessageBox>.fromOpaque(userdata).takeUnretainedValue().lastError = String(cString: message)
        }, box)
        // Notices (non-fatal remarks) are not errors: leave them unhandled.
    }

    deinit {
        GEOS_finish_r(handle)
    }

    /// The linked GEOS version, e.g. `3.11.1-CAPI-1.17.1`.
    public static var version: String { String(cString: GEOSversion()) }

    /// The error for a failed call: GEOS's own message when it gave one.
    func failure(_ operation: String) -> GEOSError {
        let message = messages.lastError ?? "GEOS reported a failure without a message"
        messages.lastError = nil
        return GEOSError(operation: operation, message: message)
    }

    /// Wraps a new geometry pointer, or throws GEOS's error when it is nil.
    func wrap(_ pointer: OpaquePointer?, _ operation: String) throws(GEOSError) -> GEOSGeometry {
        guard let pointer else { throw failure(operation) }
        return GEOSGeometry(owning: pointer, context: self)
    }

    /// A point geometry.
    public func point(x: Double, y: Double) throws(GEOSError) -> GEOSGeometry {
        try wrap(GEOSGeom_createPointFromXY_r(handle, x, y), "create point")
    }
}

/// A GEOS operation failed; `message` is GEOS's own text.
public struct GEOSError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var message: String
    public var description: String { "GEOS \(operation) failed: \(message)" }
}
