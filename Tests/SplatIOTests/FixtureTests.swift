import Foundation
import XCTest
import SplatIO

/// The three trained Gaussians shipped as both a PLY and a `.splat`.
final class FixtureTests: XCTestCase {
    func testPLYFixtureValues() throws {
        let cloud = try PLYReader.read(contentsOf: fixtureURL("three-points-trained.ply"))
        XCTAssertEqual(cloud.count, 3)
        XCTAssertEqual(cloud.shDegree, 3)
        XCTAssertNil(cloud.bindings)
        XCTAssertEqual(cloud.positions[0], SIMD3(2.0078542, 0.08104886, 1.3285047))
        XCTAssertEqual(cloud.opacities[0], sigmoid(0.84990764), accuracy: 1e-7)
        XCTAssertEqual(cloud.scales[1].x, Foundation.exp(Float(-4.7556906)), accuracy: 1e-9)
        // rot = (1.0344028, -0.19919053, -0.10477345, -0.01454282) normalised, (w, x, y, z).
        let q = SIMD4<Float>(1.0344028, -0.19919053, -0.10477345, -0.01454282)
        let expected = q / (q * q).sum().squareRoot()
        XCTAssertLessThan(maxAbs(cloud.rotations[0] - expected), 1e-6)
        XCTAssertEqual((cloud.rotations[2] * cloud.rotations[2]).sum(), 1, accuracy: 1e-6)

        // SH layout: sh[(g·16 + k)·3 + c]; f_rest channel-major (15 per channel).
        func sh(_ g: Int, _ k: Int, _ c: Int) -> Float { cloud.sh[(g * 16 + k) * 3 + c] }
        XCTAssertEqual(sh(0, 0, 0), 1.1078603, accuracy: 1e-8)          // f_dc_0
        XCTAssertEqual(sh(0, 0, 2), 0.06554606, accuracy: 1e-8)         // f_dc_2
        XCTAssertEqual(sh(0, 1, 0), -0.00570553, accuracy: 1e-8)        // f_rest_0: red, coefficient 1
        XCTAssertEqual(sh(0, 1, 1), 0.00682722, accuracy: 1e-8)         // f_rest_15: green, coefficient 1
        XCTAssertEqual(sh(0, 1, 2), 0.02459051, accuracy: 1e-8)         // f_rest_30: blue, coefficient 1
        XCTAssertEqual(sh(0, 15, 0), -0.01685286, accuracy: 1e-8)       // f_rest_14: red, coefficient 15
        XCTAssertEqual(sh(0, 15, 2), 0.02884969, accuracy: 1e-8)        // f_rest_44: blue, coefficient 15
        XCTAssertEqual(sh(2, 3, 1), -0.08833112, accuracy: 1e-8)        // f_rest_17 of Gaussian 2: green, coefficient 3
    }

    func testPLYAndSplatFixturesAgree() throws {
        let ply = try PLYReader.read(contentsOf: fixtureURL("three-points-trained.ply"))
        let splat = try SplatFile.read(contentsOf: fixtureURL("three-points-trained.splat"))
        XCTAssertEqual(splat.count, 3)
        XCTAssertEqual(splat.shDegree, 0)
        for g in 0..<3 {
            XCTAssertEqual(splat.positions[g], ply.positions[g], "position \(g)")
            XCTAssertLessThan(maxAbs((splat.scales[g] - ply.scales[g]) / ply.scales[g]), 1e-6, "scale \(g)")
            for c in 0..<3 {
                // One 8-bit level of rgb = 0.5 + C0·f_dc is 1/255/C0 in f_dc.
                XCTAssertEqual(splat.sh[g * 3 + c], ply.sh[g * 48 + c], accuracy: 1.01 / 255 / shC0, "f_dc \(g) \(c)")
            }
            XCTAssertEqual(splat.opacities[g], ply.opacities[g], accuracy: 1.01 / 255, "opacity \(g)")
            let a = splat.rotations[g], b = ply.rotations[g]
            let d = min(maxAbs(a - b), maxAbs(a + b))  // q and −q are the same rotation
            XCTAssertLessThan(d, 0.01, "rotation \(g)")
        }
    }

    func testSceneFileDispatchesFixtures() throws {
        let ply = try GaussianCloud(contentsOf: fixtureURL("three-points-trained.ply"))
        let splat = try GaussianCloud(contentsOf: fixtureURL("three-points-trained.splat"))
        XCTAssertEqual(ply.shDegree, 3)
        XCTAssertEqual(splat.shDegree, 0)
        XCTAssertEqual(ply.positions, splat.positions)
    }
}
