import Animator
import Foundation
import SplatIO
import XCTest

/// The URL of a file in the test bundle's `Fixtures` folder.
func fixtureURL(_ name: String) -> URL {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
}

/// The arrays of a fixture npz.
struct FixtureArrays {
    let archive: NPZArchive

    init(_ name: String) throws {
        archive = try NPZArchive(contentsOf: fixtureURL(name))
    }

    func floats(_ key: String) throws -> [Float] { try archive.array(key).floats() }
    func shape(_ key: String) throws -> [Int] { try archive.array(key).shape }
    func ints(_ key: String) throws -> [Int32] { try archive.array(key).int32s() }
    func has(_ key: String) -> Bool { archive.contains(key) }

    func vectors(_ key: String) throws -> [SIMD3<Float>] {
        let v = try floats(key)
        return (0..<(v.count / 3)).map { SIMD3(v[3 * $0], v[3 * $0 + 1], v[3 * $0 + 2]) }
    }

    func quaternions(_ key: String) throws -> [SIMD4<Float>] {
        let v = try floats(key)
        return (0..<(v.count / 4)).map { SIMD4(v[4 * $0], v[4 * $0 + 1], v[4 * $0 + 2], v[4 * $0 + 3]) }
    }
}

/// The synthetic FLAME rig of the fixtures (V = 398, F = 792, S = 20, E = 12).
func syntheticRig() throws -> FLAMERig {
    try FLAMERig(contentsOf: fixtureURL("synthetic-flame/rig.npz"))
}

func maxDistance(_ a: [SIMD3<Float>], _ b: [SIMD3<Float>]) -> Float {
    precondition(a.count == b.count)
    var worst: Float = 0
    for (p, q) in zip(a, b) {
        let d = p - q
        worst = max(worst, (d * d).sum().squareRoot())
    }
    return worst
}

/// A fresh temporary directory, removed when the test case tears down.
func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("animator-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Rotates `v` by the axis-angle `r` (independent of the animator's own maths: Rodrigues in Double).
func rotate(_ v: SIMD3<Float>, by r: SIMD3<Float>) -> SIMD3<Float> {
    let rd = SIMD3<Double>(r), vd = SIMD3<Double>(v)
    let angle = (rd * rd).sum().squareRoot()
    guard angle > 0 else { return v }
    let k = rd / angle
    let kxv = SIMD3(k.y * vd.z - k.z * vd.y, k.z * vd.x - k.x * vd.z, k.x * vd.y - k.y * vd.x)
    let out = vd * cos(angle) + kxv * sin(angle) + k * (k * vd).sum() * (1 - cos(angle))
    return SIMD3<Float>(out)
}

/// Largest per-axis relative difference |a − b| / |b|.
func relativeError(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float {
    var worst: Float = 0
    for i in 0..<3 { worst = max(worst, abs(a[i] - b[i]) / abs(b[i])) }
    return worst
}
