import ArgumentParser
import Layers

/// How to read a Shapefile, MapInfo, GeoPackage, KML or CSV file (`import`).
struct FormatOptions: ParsableArguments {
    @Option(name: .customLong("source-layer"), help: "The layer to read from a GeoPackage or KML holding several.")
    var sourceLayer: String?

    @Option(help: "Attribute text encoding of a Shapefile, MapInfo or CSV file, over what it declares: UTF-8, CP1251 (windows-1251), KOI8-R, CP866.")
    var encoding: String?

    @Option(name: .customLong("x-field"), help: "A CSV's longitude/easting column (default: lon, longitude, x…).")
    var xField: String?

    @Option(name: .customLong("y-field"), help: "A CSV's latitude/northing column (default: lat, latitude, y…).")
    var yField: String?

    @Option(name: .customLong("wkt-field"), help: "A CSV's WKT geometry column (default: wkt, geom, geometry).")
    var wktField: String?

    func apply(to options: inout ImportOptions) {
        options.sourceLayer = sourceLayer
        options.encoding = encoding
        options.xField = xField
        options.yField = yField
        options.wktField = wktField
    }
}
