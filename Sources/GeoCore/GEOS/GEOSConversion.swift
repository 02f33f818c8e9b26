import CGEOS

extension GEOSContext {
    /// The GEOS geometry for a ``Geometry`` value, built from its flat coordinates directly
    /// (no WKT or WKB round trip). GEOS checks ring closure and minimum sizes here.
    public func geometry(_ value: Geometry) throws(GEOSError) -> GEOSGeometry {
        try wrap(try makeRaw(value), "build geometry")
    }

    /// A `GeometryCollection` holding copies of `members`: e.g. to dissolve many polygons in
    /// one ``GEOSGeometry/unaryUnion()``, which is far faster than unioning them one by one.
    public func collection(of members: [GEOSGeometry]) throws(GEOSError) -> GEOSGeometry {
        var parts: [OpaquePointer?] = []
        parts.reserveCapacity(members.count)
        for m in members {
            guard let copy = GEOSGeom_clone_r(handle, m.pointer) else {
                for p in parts { GEOSGeom_destroy_r(handle, p) }
                throw failure("clone")
            }
            parts.append(copy)
        }
        return try wrap(try collection(Int32(GEOS_GEOMETRYCOLLECTION.rawValue), parts), "collection")
    }

    private func sequence(_ flat: ArraySlice<Double>) throws(GEOSError) -> OpaquePointer {
        let seq = flat.withUnsafeBufferPointer { buf in
            GEOSCoordSeq_copyFromBuffer_r(handle, buf.baseAddress, UInt32(buf.count / 2), 0, 0)
        }
        guard let seq else { throw failure("coordinate sequence") }
        return seq
    }

    private func line(_ flat: ArraySlice<Double>) throws(GEOSError) -> OpaquePointer {
        let seq = try sequence(flat)
        guard let g = GEOSGeom_createLineString_r(handle, seq) else { throw failure("line string") }
        return g
    }

    private func polygon(_ p: Polygon) throws(GEOSError) -> OpaquePointer {
        guard p.ringCount > 0 else {
            guard let empty = GEOSGeom_createEmptyPolygon_r(handle) else { throw failure("empty polygon") }
            return empty
        }
        var rings: [OpaquePointer?] = []
        rings.reserveCapacity(p.ringCount)
        for i in 0 ..< p.ringCount {
            let seq = try sequence(p.ring(i))
            guard let ring = GEOSGeom_createLinearRing_r(handle, seq) else {
                for r in rings { GEOSGeom_destroy_r(handle, r) }
                throw failure("linear ring \(i)")
            }
            rings.append(ring)
        }
        let shell = rings[0]
        let holes = Array(rings.dropFirst())
        let polygon = holes.withUnsafeBufferPointer { buf in
            GEOSGeom_createPolygon_r(handle, shell, UnsafeMutablePointer(mutating: buf.baseAddress), UInt32(holes.count))
        }
        guard let polygon else { throw failure("polygon") }
        return polygon
    }

    private func collection(_ type: Int32, _ parts: [OpaquePointer?]) throws(GEOSError) -> OpaquePointer {
        var parts = parts
        let g = parts.withUnsafeMutableBufferPointer { buf in
            GEOSGeom_createCollection_r(handle, type, buf.baseAddress, UInt32(buf.count))
        }
        guard let g else { throw failure("collection") }
        return g
    }

    private func makeRaw(_ value: Geometry) throws(GEOSError) -> OpaquePointer {
        switch value {
        case .point(let p):
            guard let g = GEOSGeom_createPointFromXY_r(handle, p.x, p.y) else { throw failure("point") }
            return g
        case .lineString(let l):
            return try line(l.coordinates[...])
        case .polygon(let p):
            return try polygon(p)
        case .multiPoint(let m):
            var parts: [OpaquePointer?] = []
            var i = 0
            while i + 1 < m.coordinates.count {
                parts.append(GEOSGeom_createPointFromXY_r(handle, m.coordinates[i], m.coordinates[i + 1]))
                i += 2
            }
            return try collection(Int32(GEOS_MULTIPOINT.rawValue), parts)
        case .multiLineString(let m):
            var parts: [OpaquePointer?] = []
            for i in 0 ..< m.lineCount { parts.append(try line(m.line(i).coordinates[...])) }
            return try collection(Int32(GEOS_MULTILINESTRING.rawValue), parts)
        case .multiPolygon(let m):
            var parts: [OpaquePointer?] = []
            for p in m.polygons { parts.append(try polygon(p)) }
            return try collection(Int32(GEOS_MULTIPOLYGON.rawValue), parts)
        case .geometryCollection(let members):
            var parts: [OpaquePointer?] = []
            for g in members { parts.append(try makeRaw(g)) }
            return try collection(Int32(GEOS_GEOMETRYCOLLECTION.rawValue), parts)
        }
    }
}

extension GEOSGeometry {
    /// The geometry as a ``Geometry`` value (Z dropped). Empty GEOS geometries become an
    /// empty `GeometryCollection`.
    public func value() throws(GEOSError) -> Geometry {
        try Self.value(of: pointer, context: context)
    }

    private static func flat(_ g: OpaquePointer, _ context: GEOSContext) throws(GEOSError) -> [Double] {
        let h = context.handle
        guard let seq = GEOSGeom_getCoordSeq_r(h, g) else { throw context.failure("coordinate sequence") }
        var size: UInt32 = 0
        guard GEOSCoordSeq_getSize_r(h, seq, &size) == 1 else { throw context.failure("sequence size") }
        var out = [Double](repeating: 0, count: Int(size) * 2)
        let ok = out.withUnsafeMutableBufferPointer { GEOSCoordSeq_copyToBuffer_r(h, seq, $0.baseAddress, 0, 0) }
        guard ok == 1 else { throw context.failure("copy coordinates") }
        return out
    }

    private static func polygonValue(_ g: OpaquePointer, _ context: GEOSContext) throws(GEOSError) -> Polygon {
        let h = context.handle
        guard let shell = GEOSGetExteriorRing_r(h, g) else { throw context.failure("exterior ring") }
        var rings = [try flat(shell, context)]
        let holes = GEOSGetNumInteriorRings_r(h, g)
        guard holes >= 0 else { throw context.failure("interior rings") }
        for i in 0 ..< holes {
            guard let ring = GEOSGetInteriorRingN_r(h, g, i) else { throw context.failure("interior ring") }
            rings.append(try flat(ring, context))
        }
        return Polygon(rings: rings)
    }

    private static func value(of g: OpaquePointer, context: GEOSContext) throws(GEOSError) -> Geometry {
        let h = context.handle
        if GEOSisEmpty_r(h, g) == 1 { return .geometryCollection([]) }
        let type = GEOSGeomTypeId_r(h, g)
        let parts = { () throws(GEOSError) -> [OpaquePointer] in
            let n = GEOSGetNumGeometries_r(h, g)
            guard n >= 0 else { throw context.failure("parts") }
            var result: [OpaquePointer] = []
            for i in 0 ..< n {
                guard let part = GEOSGetGeometryN_r(h, g, i) else { throw context.failure("part") }
                result.append(part)
            }
            return result
        }
        switch UInt32(type) {
        case GEOS_POINT.rawValue:
            let xy = try flat(g, context)
            return .point(Point(x: xy[0], y: xy[1]))
        case GEOS_LINESTRING.rawValue, GEOS_LINEARRING.rawValue:
            return .lineString(LineString(coordinates: try flat(g, context)))
        case GEOS_POLYGON.rawValue:
            return .polygon(try polygonValue(g, context))
        case GEOS_MULTIPOINT.rawValue:
            var coordinates: [Double] = []
            for p in try parts() where GEOSisEmpty_r(h, p) == 0 { coordinates.append(contentsOf: try flat(p, context)) }
            return .multiPoint(MultiPoint(coordinates: coordinates))
        case GEOS_MULTILINESTRING.rawValue:
            var lines: [LineString] = []
            for p in try parts() where GEOSisEmpty_r(h, p) == 0 { lines.append(LineString(coordinates: try flat(p, context))) }
            return .multiLineString(MultiLineString(lines: lines))
        case GEOS_MULTIPOLYGON.rawValue:
            var polygons: [Polygon] = []
            for p in try parts() where GEOSisEmpty_r(h, p) == 0 { polygons.append(try polygonValue(p, context)) }
            return .multiPolygon(MultiPolygon(polygons: polygons))
        default:
            var members: [Geometry] = []
            for p in try parts() { members.append(try value(of: p, context: context)) }
            return .geometryCollection(members)
        }
    }
}
