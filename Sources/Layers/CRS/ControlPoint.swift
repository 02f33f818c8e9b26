/// A point known in both systems: local x (easting), y (northing) in metres, and WGS84
/// longitude/latitude in degrees.
public struct ControlPoint: Sendable, Equatable {
    public var id: String
    public var x: Double
    public var y: Double
    public var lon: Double
    public var lat: Double

    public init(id: String, x: Double, y: Double, lon: Double, lat: Double) {
        self.id = id
        self.x = x
        self.y = y
        self.lon = lon
        self.lat = lat
    }

    /// Reads a CSV with columns x, y, lon, lat and an optional id (header names in any order
    /// and case; `lng`/`long`, `latitude`/`longitude` accepted).
    public static func read(csv path: String) throws -> [ControlPoint] {
        let reader = try CSVReader(path: path)
        guard let header = reader.next() else { throw ControlPointError.file(path, "the file is empty; it needs a header x,y,lon,lat[,id]") }
        let names = header.map { $0.trimming(" \u{FEFF}").lowercased() }
        func column(_ candidates: [String]) -> Int? { names.firstIndex { candidates.contains($0) } }
        guard let xi = column(["x", "easting"]), let yi = column(["y", "northing"]),
              let loni = column(["lon", "lng", "long", "longitude"]), let lati = column(["lat", "latitude"]) else {
            throw ControlPointError.file(path, "the header must name x, y, lon and lat (and optionally id); it has: \(names.joined(separator: ", "))")
        }
        let idi = column(["id", "name", "point"])
        var points: [ControlPoint] = []
        while let row = reader.next() {
            if let opened = reader.unclosedQuoteLine {
                throw ControlPointError.file(path, "line \(opened): a quote opened in this row is never closed")
            }
            if row.allSatisfy({ $0.trimming(" ").isEmpty }) { continue }
            func number(_ i: Int, _ what: String) throws -> Double {
                guard i < row.count, let v = Double(row[i].trimming(" ")), v.isFinite else {
                    throw ControlPointError.file(path, "line \(reader.line): \(what) is not a number: \"\(i < row.count ? row[i] : "")\"")
                }
                return v
            }
            let p = ControlPoint(id: idi.flatMap { $0 < row.count ? row[$0] : nil } ?? "\(points.count + 1)",
                                 x: try number(xi, "x"), y: try number(yi, "y"), lon: try number(loni, "lon"), lat: try number(lati, "lat"))
            guard abs(p.lon) <= 180, abs(p.lat) <= 90 else {
                throw ControlPointError.file(path, "line \(reader.line): lon \(p.lon), lat \(p.lat) is not WGS84 longitude/latitude (are the columns swapped with x, y?)")
            }
            points.append(p)
        }
        return points
    }
}

/// Control points that cannot be read or fitted.
public enum ControlPointError: Error, Sendable, Equatable, CustomStringConvertible {
    case file(String, String)
    case tooFew(Int)
    case degenerate(String)

    public var description: String {
        switch self {
        case .file(let path, let reason): "\(path): \(reason)"
        case .tooFew(let n):
            "\(n) control point\(n == 1 ? "" : "s"): fitting a local system needs at least 3 (and more, spread over the territory, to see the errors)"
        case .degenerate(let reason): "the control points cannot fix a system: \(reason)"
        }
    }
}
