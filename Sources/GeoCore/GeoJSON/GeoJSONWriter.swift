#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How ``GeoJSONWriter`` formats geometries.
public struct GeoJSONWriteOptions: Sendable {
    /// Digits after the decimal point for coordinates (7 ≈ 1 cm in degrees), trailing zeros
    /// trimmed; nil writes the shortest text that reads back exactly.
    public var precision: Int?
    /// Rewind polygons to RFC 7946's right-hand rule: exteriors counter-clockwise, holes clockwise.
    public var rightHandRule: Bool
    /// One feature per line (diff-friendly) rather than one long line.
    public var featurePerLine: Bool

    public init(precision: Int? = 7, rightHandRule: Bool = true, featurePerLine: Bool = true) {
        precondition(precision.map { (0 ... 15).contains($0) } ?? true, "precision must be 0...15")
        self.precision = precision
        self.rightHandRule = rightHandRule
        self.featurePerLine = featurePerLine
    }
}

/// A streaming RFC 7946 writer: a FeatureCollection written feature by feature to a file
/// descriptor, a file, or memory, buffered in 1 MiB blocks.
public final class GeoJSONWriter {
    public let options: GeoJSONWriteOptions
    private var out: [UInt8] = []
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let destination: String
    private var started = false
    private var count = 0
    private var finished = false

    /// Writes to `path` (created or truncated), or standard output when `path` is `-`.
    public convenience init(path: String, options: GeoJSONWriteOptions = .init()) throws {
        if path == "-" {
            self.init(fileDescriptor: 1, destination: "<stdout>", closeWhenDone: false, options: options)
            return
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw GeoJSONWriteError(destination: path, reason: String(cString: strerror(errno))) }
        self.init(fileDescriptor: fd, destination: path, closeWhenDone: true, options: options)
    }

    public init(fileDescriptor: Int32, destination: String, closeWhenDone: Bool, options: GeoJSONWriteOptions = .init()) {
        self.fd = fileDescriptor
        self.destination = destination
        self.ownsDescriptor = closeWhenDone
        self.options = options
        out.reserveCapacity(1 << 20)
    }

    /// A writer that keeps everything in memory; read it with ``bytes`` after ``finish()``.
    public init(options: GeoJSONWriteOptions = .init()) {
        self.fd = -1
        self.destination = "<memory>"
        self.ownsDescriptor = false
        self.options = options
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// What an in-memory writer holds.
    public var bytes: [UInt8] { out }

    /// Starts the collection; `name` and a non-default `crs` become top-level members.
    public func begin(name: String? = nil, crs: LegacyCRS? = nil) throws {
        precondition(!started, "begin() called twice")
        started = true
        out.append(contentsOf: #"{"type":"FeatureCollection""#.utf8)
        if let name {
            out.append(contentsOf: #","name":"#.utf8)
            JSONText.appendString(name, to: &out)
        }
        if let crs, !crs.isWGS84 {
            out.append(contentsOf: #","crs":{"type":"name","properties":{"name":"#.utf8)
            JSONText.appendString(crs.projName, to: &out)
            out.append(contentsOf: "}}".utf8)
        }
        out.append(contentsOf: #","features":["#.utf8)
    }

    /// Appends one feature.
    public func write(_ feature: Feature) throws {
        if !started { try begin() }
        if count > 0 { out.append(UInt8(ascii: ",")) }
        if options.featurePerLine { out.append(0x0A) }
        count += 1
        appendFeature(feature)
        if out.count >= 1 << 20 { try flush() }
    }

    /// Appends `count` features encoded elsewhere (on other threads, say) with
    /// ``encodeFeatures(_:options:)``: the same bytes as writing them one by one.
    public func write(encodedFeatures bytes: [UInt8], count n: Int) throws {
        guard n > 0 else { return }
        if !started { try begin() }
        if count > 0 { out.append(UInt8(ascii: ",")) }
        count += n
        if fd >= 0 && bytes.count >= 1 << 20 {
            // Large: written as it is, not copied into the buffer first.
            try flush()
            try Self.writeAll(bytes, to: fd, destination: destination)
            return
        }
        out.append(contentsOf: bytes)
        if out.count >= 1 << 20 { try flush() }
    }

    /// Features as ``write(encodedFeatures:count:)`` takes them: each after a comma (but the
    /// first) and, with `featurePerLine`, a line break.
    public static func encodeFeatures(_ features: some Sequence<Feature>, options: GeoJSONWriteOptions) -> [UInt8] {
        var out: [UInt8] = []
        var first = true
        for feature in features {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            if options.featurePerLine { out.append(0x0A) }
            appendFeature(feature, options: options, to: &out)
        }
        return out
    }

    /// Closes the collection and flushes; the writer cannot be used after.
    public func finish() throws {
        guard !finished else { return }
        if !started { try begin() }
        if options.featurePerLine && count > 0 { out.append(0x0A) }
        out.append(contentsOf: "]}\n".utf8)
        finished = true
        try flush()
    }

    private func flush() throws {
        guard fd >= 0 else { return }
        try GeoJSONWriter.writeAll(out, to: fd, destination: destination)
        out.removeAll(keepingCapacity: true)
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR; errors name `destination`.
    public static func writeAll(_ bytes: [UInt8], to fd: Int32, destination: String) throws(GeoJSONWriteError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw GeoJSONWriteError(destination: destination, reason: String(cString: strerror(errno)))
            }
            done += n
        }
    }

    private func appendFeature(_ feature: Feature) { Self.appendFeature(feature, options: options, to: &out) }

    /// Appends one feature object as GeoJSON.
    public static func appendFeature(_ feature: Feature, options: GeoJSONWriteOptions, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"type":"Feature""#.utf8)
        if let id = feature.id {
            out.append(contentsOf: #","id":"#.utf8)
            JSONText.append(id.jsonValue, to: &out)
        }
        out.append(contentsOf: #","properties":"#.utf8)
        JSONText.appendObject(feature.properties, to: &out)
        out.append(contentsOf: #","geometry":"#.utf8)
        if let g = feature.geometry {
            appendGeometry(g, options: options, to: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Appends one geometry object as GeoJSON.
    public static func appendGeometry(_ geometry: Geometry, options: GeoJSONWriteOptions, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"type":""#.utf8)
        out.append(contentsOf: geometry.typeName.utf8)
        if case .geometryCollection(let members) = geometry {
            out.append(contentsOf: #"","geometries":["#.utf8)
            for (i, g) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendGeometry(g, options: options, to: &out)
            }
            out.append(contentsOf: "]}".utf8)
            return
        }
        out.append(contentsOf: #"","coordinates":"#.utf8)
        let coordinates = CoordinateText(precision: options.precision)
        switch geometry {
        case .point(let p):
            coordinates.appendPosition(p.x, p.y, to: &out)
        case .multiPoint(let m):
            coordinates.appendPositions(m.coordinates[...], to: &out)
        case .lineString(let l):
            coordinates.appendPositions(l.coordinates[...], to: &out)
        case .multiLineString(let m):
            out.append(UInt8(ascii: "["))
            for i in 0 ..< m.lineCount {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                coordinates.appendPositions(m.line(i).coordinates[...], to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .polygon(let p):
            coordinates.appendPolygon(options.rightHandRule ? p.orientedByRightHandRule() : p, to: &out)
        case .multiPolygon(let m):
            out.append(UInt8(ascii: "["))
            for (i, p) in m.polygons.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                coordinates.appendPolygon(options.rightHandRule ? p.orientedByRightHandRule() : p, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .geometryCollection:
            break
        }
        out.append(UInt8(ascii: "}"))
    }

    /// A geometry alone as GeoJSON text.
    public static func text(of geometry: Geometry, options: GeoJSONWriteOptions = .init()) -> String {
        var out: [UInt8] = []
        appendGeometry(geometry, options: options, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Features as a FeatureCollection text.
    public static func text(of features: [Feature], options: GeoJSONWriteOptions = .init()) -> String {
        let writer = GeoJSONWriter(options: options)
        for f in features { try! writer.write(f) }
        try! writer.finish()
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// Formats coordinate arrays at a fixed precision.
private struct CoordinateText {
    let precision: Int?

    func appendNumber(_ v: Double, to out: inout [UInt8]) {
        if let precision {
            JSONText.appendFixed(v, decimals: precision, to: &out)
        } else {
            JSONText.appendNumber(v, to: &out)
        }
    }

    func appendPosition(_ x: Double, _ y: Double, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        appendNumber(x, to: &out)
        out.append(UInt8(ascii: ","))
        appendNumber(y, to: &out)
        out.append(UInt8(ascii: "]"))
    }

    func appendPositions(_ flat: ArraySlice<Double>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        var i = flat.startIndex
        while i + 1 < flat.endIndex {
            if i > flat.startIndex { out.append(UInt8(ascii: ",")) }
            appendPosition(flat[i], flat[i + 1], to: &out)
            i += 2
        }
        out.append(UInt8(ascii: "]"))
    }

    func appendPolygon(_ p: Polygon, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for r in 0 ..< p.ringCount {
            if r > 0 { out.append(UInt8(ascii: ",")) }
            appendPositions(p.ring(r), to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}

/// Writing GeoJSON failed (the destination could not be opened or written).
public struct GeoJSONWriteError: Error, Sendable, CustomStringConvertible {
    public var destination: String
    public var reason: String

    public init(destination: String, reason: String) {
        self.destination = destination
        self.reason = reason
    }

    public var description: String { "\(destination): cannot write: \(reason)" }
}
