import RasterizerKernels
import XCTest

/// Stage 2 on small hand-computed cases: per-Gaussian tile ranges from projection, then the
/// per-tile lists in depth order.
final class TileIntersectionTests: XCTestCase {
    /// Three splats on a 3 × 2 grid of tiles (48 × 32 pixels):
    /// splat 0, depth 2.0, tiles x 0..<2, y 0..<1; splat 1, depth 1.0, tiles x 1..<3, y 0..<2;
    /// splat 2 invisible (empty rectangle); splat 3, depth 3.0, tile (2, 1) only.
    func testTileListsHoldVisibleSplatsFrontToBack() {
        let rects = [TileRect(x0: 0, y0: 0, x1: 2, y1: 1), TileRect(x0: 1, y0: 0, x1: 3, y1: 2),
                     TileRect(x0: 0, y0: 0, x1: 0, y1: 0), TileRect(x0: 2, y0: 1, x1: 3, y1: 2)]
        let depths: [Float] = [2, 1, 0.5, 3]
        let expected: [[Int]] = [   // original splat indices per tile, front to back; tiles row-major
            [0], [1, 0], [1],
            [], [1], [1, 3],
        ]
        for workers in 1...3 {
            var intersection = TileIntersection()
            defer { intersection.deallocate() }
            let splats = (0..<4).map { i in splat(id: i) }
            let (visible, instances) = splats.withUnsafeBufferPointer { s in
                depths.map(\.bitPattern).withUnsafeBufferPointer { d in
                    rects.withUnsafeBufferPointer { r in
                        intersection.intersect(splats: s.baseAddress!, depthKeys: d.baseAddress!, rects: r.baseAddress!,
                                               count: 4, tilesX: 3, tilesY: 2, workers: workers)
                    }
                }
            }
            XCTAssertEqual(visible, 3, "workers \(workers)")
            XCTAssertEqual(instances, 2 + 4 + 1)
            for t in 0..<6 {
                // The splats carry their original index in meanX (see `splat(id:)`).
                let ids = intersection.splats(inTile: t).map { Int($0.meanX) }
                XCTAssertEqual(ids, expected[t], "tile \(t), workers \(workers)")
            }
            XCTAssertEqual((0...6).map { intersection.tileStarts[$0] }, [0, 1, 3, 4, 4, 5, 7])
        }
    }

    /// Equal depths keep index order (a stable sort, as the GPU renderers' sorts are).
    func testEqualDepthsKeepIndexOrder() {
        var intersection = TileIntersection()
        defer { intersection.deallocate() }
        let n = 50
        let splats = (0..<n).map { splat(id: $0) }
        let rects = [TileRect](repeating: TileRect(x0: 0, y0: 0, x1: 1, y1: 1), count: n)
        let keys = [UInt32](repeating: Float(1.5).bitPattern, count: n)
        _ = splats.withUnsafeBufferPointer { s in
            keys.withUnsafeBufferPointer { k in
                rects.withUnsafeBufferPointer { r in
                    intersection.intersect(splats: s.baseAddress!, depthKeys: k.baseAddress!, rects: r.baseAddress!,
                                           count: n, tilesX: 1, tilesY: 1, workers: 2)
                }
            }
        }
        XCTAssertEqual(intersection.splats(inTile: 0).map { Int($0.meanX) }, Array(0..<n))
    }

    /// A Gaussian whose tile range follows from the numbers: an isotropic Gaussian of σ = 2 px
    /// (scale 0.02 at depth 1 with f = 100) centred on pixel (40, 8) of a 64 × 32 image, opacity 1.
    /// gsplat's box: extent = min(3.33, sqrt(2 ln 255) ≈ 3.329) σ' with σ'² ≈ 4.03 + 0.3 →
    /// radius ⌈3.33 · 2.0736⌉ = 7 px; x 33…47 → tiles 2..<3, y 1…15 → tiles 0..<1.
    func testProjectionTileRangeOfOneGaussian() {
        let setup = ProjectionSetup(rotationRows: ([1, 0, 0], [0, 1, 0], [0, 0, 1]), translation: .zero, centre: .zero,
                                    fx: 100, fy: 100, cx: 32, cy: 16, width: 64, height: 32, inria: false, nearPlane: 0.01)
        let projection = Projection(setup)
        XCTAssertEqual(projection.tilesX, 4)
        XCTAssertEqual(projection.tilesY, 2)
        // Pixel 40 → x = (40 − 32) / 100 at z = 1; pixel 8 → y = (8 − 16) / 100.
        let position: [SIMD3<Float>] = [[0.08, -0.08, 1]]
        let scale: [SIMD3<Float>] = [[0.02, 0.02, 0.02]]
        let rotation: [SIMD4<Float>] = [[1, 0, 0, 0]]
        let opacity: [Float] = [1]
        let sh: [Float] = [0, 0, 0]
        var splat = [splat(id: 0)], key: [UInt32] = [0], rect = [TileRect(x0: 9, y0: 9, x1: 9, y1: 9)]
        position.withUnsafeBufferPointer { p in scale.withUnsafeBufferPointer { s in rotation.withUnsafeBufferPointer { r in
            opacity.withUnsafeBufferPointer { o in sh.withUnsafeBufferPointer { c in
                let view = CloudView(positions: p.baseAddress!, scales: s.baseAddress!, rotations: r.baseAddress!,
                                     opacities: o.baseAddress!, sh: c.baseAddress!, shDegree: 0, count: 1)
                projection.project(view, range: 0..<1, splats: &splat, depthKeys: &key, rects: &rect)
            } }
        } } }
        XCTAssertEqual(splat[0].meanX, 40, accuracy: 1e-4)
        XCTAssertEqual(splat[0].meanY, 8, accuracy: 1e-4)
        XCTAssertEqual(key[0], Float(1).bitPattern)
        XCTAssertEqual(rect[0], TileRect(x0: 2, y0: 0, x1: 3, y1: 1))
    }

    private func splat(id: Int) -> ProjectedSplat {
        ProjectedSplat(meanX: Float(id), meanY: 0, conicA: 0, conicB: 0, conicC: 0, log2Opacity: 0,
                       red: 0, green: 0, blue: 0, firstColumn: 0, lastColumn: 0, firstRow: 0, lastRow: 0)
    }
}
