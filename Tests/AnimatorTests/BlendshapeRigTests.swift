import Animator
import Foundation
import XCTest

/// The CC0 demo head rig: loading, ARKit targets, jaw, head pose and rigid gaze.
final class BlendshapeRigTests: XCTestCase {
    func testLoadsTheDemoHead() throws {
        let rig = try BlendshapeRig.demoHead()
        XCTAssertEqual(rig.vertexCount, 5822)
        XCTAssertEqual(rig.faceCount, 11508)
        XCTAssertEqual(rig.targetNames, ARKitParameters.names)
        XCTAssertTrue(try BlendshapeRig.demoHead() === rig, "loaded once and shared")
    }

    /// jawOpen = 1 moves the chin and the lower lip by centimetres and leaves the skull
    /// (everything above the eyes) still.
    func testJawOpenMovesTheMouthAndLeavesTheSkull() throws {
        let rig = try BlendshapeRig.demoHead()
        var neutral: [SIMD3<Float>] = [], open: [SIMD3<Float>] = []
        try rig.evaluate(ARKitParameters(), into: &neutral)
        try rig.evaluate(ARKitParameters(named: ["jawOpen": 1]), into: &open)
        XCTAssertEqual(neutral, rig.vertices)
        var chin: Float = 0, skull: Float = 0, lowerLip: Float = 0
        for v in 0..<rig.vertexCount {
            let d = open[v] - neutral[v], moved = (d * d).sum().squareRoot()
            let p = neutral[v]
            if p.y > 0.02 && rig.eyeGroups[v] == 0 { skull = max(skull, moved) }
            if p.y < -0.095 && p.z > 0.06 { chin = max(chin, moved) }
            if rig.regions[v] == 1 && p.y < -0.07 { lowerLip = max(lowerLip, moved) }
        }
        XCTAssertGreaterThan(chin, 0.01, "the chin should drop by more than 1 cm")
        XCTAssertGreaterThan(lowerLip, 0.01, "the lower lip should move")
        XCTAssertLessThan(skull, 0.0005, "vertices above the eyes should stay (moved \(skull) m)")
    }

    func testHeadPoseRotatesAboutThePivot() throws {
        let rig = try BlendshapeRig.demoHead()
        let pose = HeadPose(rotation: [0.2, -0.5, 0.1], translation: [0.01, -0.02, 0.03])
        var out: [SIMD3<Float>] = []
        try rig.evaluate(ARKitParameters(headPose: pose), into: &out)
        let expected = rig.vertices.map { rotate($0 - rig.headPivot, by: pose.rotation) + rig.headPivot + pose.translation }
        XCTAssertLessThanOrEqual(maxDistance(out, expected), 1e-6)
    }

    /// Rigid eye rotation turns the eyeballs about their centres and skips the eyeLook
    /// entries on the eyeballs (the eyelid entries still apply).
    func testRigidGaze() throws {
        let rig = try BlendshapeRig.demoHead()
        var weights = [Float](repeating: 0, count: rig.targetCount)
        weights[rig.targetIndex(named: "eyeLookUpLeft")!] = 1
        let r = SIMD3<Float>(-0.3, 0.2, 0)
        var out: [SIMD3<Float>] = [], targetsOnly: [SIMD3<Float>] = []
        try rig.evaluate(weights: weights, eyeRotations: (r, .zero), into: &out)
        try rig.evaluate(weights: weights, into: &targetsOnly)
        for v in 0..<rig.vertexCount {
            switch rig.eyeGroups[v] {
            case 1:
                let e = rotate(rig.vertices[v] - rig.eyeCentres[0], by: r) + rig.eyeCentres[0]
                XCTAssertLessThanOrEqual(maxDistance([out[v]], [e]), 1e-6)
            case 2: XCTAssertEqual(out[v], rig.vertices[v])
            default: XCTAssertEqual(out[v], targetsOnly[v], "eyelid entries still apply")
            }
        }
    }

    func testWeightValidation() throws {
        let rig = try BlendshapeRig.demoHead()
        var out: [SIMD3<Float>] = []
        XCTAssertThrowsError(try rig.evaluate(weights: [1, 2], into: &out)) {
            guard case DriveError.wrongCount(parameter: "weights", count: 2, _) = $0 else { return XCTFail("\($0)") }
        }
        var weights = [Float](repeating: 0, count: 52)
        weights[17] = .nan
        XCTAssertThrowsError(try rig.evaluate(weights: weights, into: &out)) {
            XCTAssertEqual($0 as? DriveError, .nonFinite(parameter: "weights", index: 17))
        }
    }
}
