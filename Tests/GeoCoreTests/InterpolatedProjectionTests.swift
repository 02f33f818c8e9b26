import Testing
@testable import GeoCore
import TestSupport

@Suite("Interpolated projection")
struct InterpolatedProjectionTests {
    let extent = BoundingBox(minX: 60.3, minY: 55.9, maxX: 61.1, maxY: 56.3)

    @Test("agrees with PROJ to 0.01 mm at 20,000 random positions of a city-sized extent, and says how closely")
    func agreesWithPROJ() throws {
        let proj = try CoordinateTransformer(from: "EPSG:4326", to: "EPSG:32641")
        let grid = try #require(try InterpolatedProjection(proj, extent: extent, tolerance: 1e-5))
        #expect(grid.maximumError <= 1e-5 && grid.maximumError > 0)
        var rng = SeededRandom(seed: 11)
        var flat: [Double] = []
        for _ in 0 ..< 20_000 {
            flat += [Double.random(in: extent.minX ... extent.maxX, using: &rng), Double.random(in: extent.minY ... extent.maxY, using: &rng)]
        }
        var exact = flat
        try proj.transform(flat: &exact)
        try grid.transform(flat: &flat)
        var worst = 0.0
        for i in flat.indices { worst = max(worst, abs(flat[i] - exact[i])) }
        #expect(worst <= 1e-5, "\(worst) m")
    }

    @Test("positions beyond the sampled extent go to PROJ itself")
    func outsideFallsBack() throws {
        let proj = try CoordinateTransformer(from: "EPSG:4326", to: "EPSG:32641")
        let grid = try #require(try InterpolatedProjection(proj, extent: extent))
        var flat = [60.7, 56.1, 58.0, 54.0, 66.0, 59.0]
        var exact = flat
        try proj.transform(flat: &exact)
        try grid.transform(flat: &flat)
        #expect(flat[2 ... 5] == exact[2 ... 5])
        #expect(abs(flat[0] - exact[0]) <= 1e-5 && abs(flat[1] - exact[1]) <= 1e-5)
    }

    @Test("an unreachable tolerance gives nil, so callers use PROJ directly")
    func unreachableTolerance() throws {
        let proj = try CoordinateTransformer(from: "EPSG:4326", to: "EPSG:32641")
        #expect(try InterpolatedProjection(proj, extent: extent, tolerance: 1e-15, minimumSpacing: 0.004) == nil)
    }
}
