/// Parses a whole JSON document (a manifest, a rules file, a stored properties column) with
/// the same scanner as the GeoJSON reader: the one JSON parser in geoctl.
public enum JSONDocument {
    /// The value of a JSON text; errors name `source`, line and column.
    public static func parse(_ bytes: some Collection<UInt8>, source: String = "<memory>",
                             maxDepth: Int = GeoJSONReader.defaultMaxDepth) throws(GeoJSONError) -> JSONValue {
        let capacity = Swift.max(bytes.count, 16)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        let copied: Void? = bytes.withContiguousStorageIfAvailable { contiguous in
            if let base = contiguous.baseAddress { buffer.initialize(from: base, count: contiguous.count) }
        }
        if copied == nil { _ = UnsafeMutableBufferPointer(start: buffer, count: capacity).initialize(from: bytes) }
        var scanner = JSONScanner(buffer: buffer, capacity: capacity, filled: bytes.count, fd: -1, source: source, maxDepth: maxDepth,
                                  cachingStrings: false)
        if bytes.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { scanner.pos = 3 }
        guard try scanner.peek() != nil else { throw scanner.error("empty input: no JSON value") }
        let value = try scanner.parseValue()
        if try scanner.peek() != nil {
            throw scanner.error("unexpected \(scanner.describeByte(at: scanner.pos)) after the JSON value")
        }
        return value
    }

    public static func parse(_ text: String, source: String = "<memory>") throws(GeoJSONError) -> JSONValue {
        try parse(Array(text.utf8), source: source)
    }
}
