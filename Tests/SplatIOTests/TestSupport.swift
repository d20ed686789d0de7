import Foundation
import SplatCore
import XCTest
import SplatIO

/// The URL of a file in the test bundle's `Fixtures` folder.
func fixtureURL(_ name: String) throws -> URL {
    let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("fixture \(name) missing") }
    return url
}

/// A fresh temporary directory, removed when the test case tears down.
func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("splatio-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// A random cloud with plausible trained values.
func randomCloud(count: Int, degree: Int, bindings: Bool = false, seed: UInt64 = 1) -> GaussianCloud {
    var rng = SplitMix64(seed: seed)
    func r(_ range: ClosedRange<Float>) -> Float { Float.random(in: range, using: &rng) }
    let k = (degree + 1) * (degree + 1)
    var positions: [SIMD3<Float>] = [], scales: [SIMD3<Float>] = [], rotations: [SIMD4<Float>] = []
    var opacities: [Float] = [], sh: [Float] = [], binds: [Int32] = []
    for _ in 0..<count {
        positions.append(SIMD3(r(-2...2), r(-2...2), r(-2...2)))
        scales.append(SIMD3(Foundation.exp(r(-7 ... -1)), Foundation.exp(r(-7 ... -1)), Foundation.exp(r(-7 ... -1))))
        var q = SIMD4<Float>(r(-1...1), r(-1...1), r(-1...1), r(-1...1))
        q.x += q.x >= 0 ? 0.1 : -0.1  // keep away from zero length
        rotations.append(q / (q * q).sum().squareRoot())
        opacities.append(r(0.001...0.999))
        for _ in 0..<(k * 3) { sh.append(r(-1.5...1.5)) }
        binds.append(Int32.random(in: 0..<10144, using: &rng))
    }
    return GaussianCloud(positions: positions, scales: scales, rotations: rotations, opacities: opacities,
                         sh: sh, shDegree: degree, bindings: bindings ? binds : nil)
}

/// Asserts that two clouds hold the same Gaussians up to float rounding of the activations.
func assertClose(_ a: GaussianCloud, _ b: GaussianCloud, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "count", file: file, line: line)
    XCTAssertEqual(a.shDegree, b.shDegree, "shDegree", file: file, line: line)
    XCTAssertEqual(a.bindings, b.bindings, "bindings", file: file, line: line)
    guard a.count == b.count, a.shDegree == b.shDegree else { return }
    XCTAssertEqual(a.positions, b.positions, "positions", file: file, line: line)
    XCTAssertEqual(a.sh, b.sh, "sh", file: file, line: line)
    for g in 0..<a.count {
        XCTAssertLessThan(maxAbs((a.scales[g] - b.scales[g]) / a.scales[g]), 1e-6, "scale of Gaussian \(g)", file: file, line: line)
        XCTAssertEqual(a.opacities[g], b.opacities[g], accuracy: 1e-6, "opacity of Gaussian \(g)", file: file, line: line)
        XCTAssertLessThan(maxAbs(a.rotations[g] - b.rotations[g]), 1e-6, "rotation of Gaussian \(g)", file: file, line: line)
    }
}

/// Asserts that `body` throws a ``SplatIOError`` whose reason satisfies `matches`, and returns it.
@discardableResult
func assertSplatIOError<T>(_ body: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line,
                           _ matches: (SplatIOError.Reason) -> Bool) -> SplatIOError? {
    do {
        _ = try body()
        XCTFail("expected an error", file: file, line: line)
    } catch let error as SplatIOError {
        XCTAssertTrue(matches(error.reason), "unexpected reason: \(error)", file: file, line: line)
        return error
    } catch {
        XCTFail("unexpected error type: \(error)", file: file, line: line)
    }
    return nil
}

/// A binary little-endian PLY with the given header lines (between `format` and `end_header`)
/// and body.
func plyData(_ headerLines: [String], format: String = "binary_little_endian 1.0", body: [UInt8]) -> Data {
    let header = (["ply", "format \(format)"] + headerLines + ["end_header"]).joined(separator: "\n") + "\n"
    return Data(header.utf8) + Data(body)
}

/// Little-endian bytes of a sequence of values.
func le(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }
func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
func le(_ value: Double) -> [UInt8] { le(value.bitPattern) }

/// The minimal degree-0 property list of a 3DGS PLY, in INRIA order.
let minimalProperties = ["x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity",
                         "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]

/// One Gaussian's values for `minimalProperties` (identity rotation).
let minimalRow: [Float] = [1, 2, 3, 0.1, 0.2, 0.3, 0, -1, -2, -3, 1, 0, 0, 0]

/// A PLY with `minimalProperties` as floats and the given rows.
func minimalPLY(rows: [[Float]], count: Int? = nil) -> Data {
    plyData(["element vertex \(count ?? rows.count)"] + minimalProperties.map { "property float \($0)" },
            body: le(rows.flatMap { $0 }))
}

/// The largest absolute lane of `v`.
func maxAbs<V: SIMD>(_ v: V) -> V.Scalar where V.Scalar: FloatingPoint {
    v.indices.map { Swift.abs(v[$0]) }.max()!
}
