import RasterizerKernels
import SplatCore
import XCTest

/// The compositor's vector rounding to 8 bits agrees with the scalar one everywhere.
final class QuantiseTests: XCTestCase {
    func testVectorAndScalarRoundingAgree() {
        var values: [Float] = [-1, -0, 0, 1, 2, .infinity, -.infinity, 0.5, 1e-9, 0.999_999]
        for k in 0...256 {
            // Every level's edges and its exact midpoint (ties are where rounding modes differ).
            let edge = (Float(k) - 0.5) / 255, centre = Float(k) / 255
            values += [edge.nextDown, edge, edge.nextUp, centre.nextDown, centre, centre.nextUp]
        }
        var rng = SplitMix64(seed: 5)
        for _ in 0..<10_000 { values.append(Float(rng.next() % 1_000_000) / 900_000 - 0.05) }
        while values.count % 8 != 0 { values.append(0.25) }
        for start in stride(from: 0, to: values.count, by: 8) {
            let lanes = SIMD8<Float>(values[start..<(start + 8)])
            let vector = quantise(lanes)
            for l in 0..<8 {
                XCTAssertEqual(vector[l], UInt32(quantise(lanes[l])), "value \(lanes[l])")
            }
        }
    }
}
