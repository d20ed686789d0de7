import Animator
import Foundation
import SplatIO
import XCTest

/// The FLAME forward pass against the numpy reference (`synthetic-flame/cases.npz`).
final class FLAMERigTests: XCTestCase {
    func testLoadsTheSyntheticRig() throws {
        let rig = try syntheticRig()
        XCTAssertEqual(rig.vertexCount, 398)
        XCTAssertEqual(rig.faceCount, 792)
        XCTAssertEqual(rig.shapeCount, 20)
        XCTAssertEqual(rig.expressionCount, 12)
        XCTAssertEqual(rig.parents, [-1, 0, 1, 1, 1])
    }

    /// Every case (rest pose, full identity, full expression, jaw, large rotations, near-π
    /// rotations, tiny rotations, mixed; truncated shape/expression vectors; static offsets).
    func testMatchesTheNumpyReferenceCases() throws {
        let rig = try syntheticRig()
        let cases = try FixtureArrays("synthetic-flame/cases.npz")
        let count = Int(try cases.ints("count")[0])
        XCTAssertEqual(count, 8)
        var vertices: [SIMD3<Float>] = []
        for k in 0..<count {
            let shape = try cases.floats("case\(k)_shape")
            let expr = try cases.floats("case\(k)_expr")
            let pose = try cases.vectors("case\(k)_pose")
            let translation = try cases.vectors("case\(k)_translation")[0]
            let offsets = cases.has("case\(k)_static_offset") ? try cases.vectors("case\(k)_static_offset") : nil
            let identity = try rig.identity(shape: shape, staticOffset: offsets)
            let parameters = try FLAMEParameters(expression: expr, pose: pose, translation: translation)
            try rig.evaluate(parameters, identity: identity, into: &vertices)
            let expected = try cases.vectors("case\(k)_vertices")
            let error = maxDistance(vertices, expected)
            XCTAssertLessThanOrEqual(error, 1e-5, "case \(k): max vertex error \(error) m")

            let joints = rig.joints(expression: expr, identity: identity)
            XCTAssertLessThanOrEqual(maxDistance(joints, try cases.vectors("case\(k)_joints")), 1e-5, "case \(k) joints")
        }
    }

    func testSingleThreadedEvaluationIsIdentical() throws {
        let rig = try syntheticRig()
        let cases = try FixtureArrays("synthetic-flame/cases.npz")
        let identity = try rig.identity(shape: try cases.floats("case7_shape"), staticOffset: try cases.vectors("case7_static_offset"))
        let p = try FLAMEParameters(expression: try cases.floats("case7_expr"), pose: try cases.vectors("case7_pose"),
                                    translation: try cases.vectors("case7_translation")[0])
        var one: [SIMD3<Float>] = [], two: [SIMD3<Float>] = []
        try rig.evaluate(p, identity: identity, into: &one, threads: 1)
        try rig.evaluate(p, identity: identity, into: &two, threads: 2)
        XCTAssertEqual(one, two)
    }

    /// Expression coefficients beyond the rig's count are ignored; shape coefficients beyond it
    /// must be zero.
    func testCoefficientCountRules() throws {
        let rig = try syntheticRig()
        let identity = try rig.identity()
        var a: [SIMD3<Float>] = [], b: [SIMD3<Float>] = []
        let expr = (0..<12).map { Float($0) * 0.1 - 0.5 }
        try rig.evaluate(FLAMEParameters(expression: expr), identity: identity, into: &a)
        try rig.evaluate(FLAMEParameters(expression: expr + [3, -2, 1]), identity: identity, into: &b)
        XCTAssertEqual(a, b)

        let padded = try rig.identity(shape: [0.5, -0.2] + [Float](repeating: 0, count: 40))
        let short = try rig.identity(shape: [0.5, -0.2])
        XCTAssertEqual(padded.shapedVertices, short.shapedVertices)
        XCTAssertThrowsError(try rig.identity(shape: [Float](repeating: 0, count: 20) + [0.3])) { error in
            guard case DriveError.invalidValue(let parameter, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(parameter, "shape")
            XCTAssertTrue(reason.contains("coefficient 20"), reason)
        }
    }

    func testRejectsNaNParameters() throws {
        let rig = try syntheticRig()
        let identity = try rig.identity()
        var out: [SIMD3<Float>] = []
        XCTAssertThrowsError(try rig.evaluate(FLAMEParameters(expression: [0, .nan]), identity: identity, into: &out)) {
            XCTAssertEqual($0 as? DriveError, .nonFinite(parameter: "expr", index: 1))
        }
        XCTAssertThrowsError(try rig.evaluate(FLAMEParameters(jaw: [0, .infinity, 0]), identity: identity, into: &out)) {
            XCTAssertEqual($0 as? DriveError, .nonFinite(parameter: "jaw_pose", index: 1))
        }
        XCTAssertThrowsError(try rig.evaluate(FLAMEParameters(rightEye: [0, 0, .nan]), identity: identity, into: &out)) {
            XCTAssertEqual($0 as? DriveError, .nonFinite(parameter: "eyes_pose", index: 5))
        }
        XCTAssertThrowsError(try rig.identity(shape: [.nan])) {
            XCTAssertEqual($0 as? DriveError, .nonFinite(parameter: "shape", index: 0))
        }
        XCTAssertThrowsError(try rig.identity(staticOffset: [SIMD3<Float>](repeating: .zero, count: 3))) {
            guard case DriveError.wrongCount(parameter: "static_offset", count: 3, _) = $0 else { return XCTFail("\($0)") }
        }
    }

    func testIdentityFromAnotherRigIsRejected() throws {
        let a = try syntheticRig(), b = try syntheticRig()
        var out: [SIMD3<Float>] = []
        XCTAssertThrowsError(try a.evaluate(.neutral, identity: b.identity(), into: &out))
    }
}
