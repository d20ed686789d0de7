import Animator
import Foundation
import SplatIO
import XCTest

/// A plain 3DGS scene as a rigid avatar follows the head pose exactly.
final class RigidAvatarTests: XCTestCase {
    func makeScene() -> GaussianCloud {
        var positions: [SIMD3<Float>] = [], rotations: [SIMD4<Float>] = []
        for i in 0..<257 {
            let t = Float(i)
            positions.append(SIMD3(0.1 * sin(t), 0.12 * cos(1.3 * t), 0.3 + 0.05 * sin(0.7 * t)))
            let q = SIMD4<Float>(cos(t), sin(t) * 0.3, sin(2 * t) * 0.5, 0.2)
            rotations.append(q / (q * q).sum().squareRoot())
        }
        let n = positions.count
        return GaussianCloud(positions: positions, scales: [SIMD3<Float>](repeating: [0.01, 0.02, 0.003], count: n),
                             rotations: rotations, opacities: (0..<n).map { Float($0 % 10) / 10 },
                             sh: (0..<(n * 3)).map { Float($0 % 7) / 7 }, shDegree: 0)
    }

    func testStaticPLYFollowsAHeadRotationExactly() throws {
        let folder = try makeTemporaryDirectory(self)
        let url = folder.appendingPathComponent("scene.ply")
        try PLYWriter.write(makeScene(), to: url)
        let original = try PLYReader.read(contentsOf: url)
        let avatar = try Avatar.load(url.path)
        XCTAssertEqual(avatar.kind, .rigid)
        let pivot = try XCTUnwrap(avatar.rigidPivot)
        let mean = original.positions.reduce(SIMD3<Float>.zero, +) / Float(original.count)
        XCTAssertLessThanOrEqual(maxDistance([pivot], [mean]), 1e-6, "the pivot is the centroid")

        let pose = HeadPose(rotation: [0.3, -0.8, 0.2], translation: [0.02, 0, -0.05])
        var cloud = avatar.makeCloud()
        try avatar.pose(.arkit(ARKitParameters(headPose: pose)), into: &cloud)
        let expected = original.positions.map { rotate($0 - pivot, by: pose.rotation) + pivot + pose.translation }
        XCTAssertLessThanOrEqual(maxDistance(cloud.positions, expected), 1e-6)
        XCTAssertEqual(cloud.scales, original.scales)
        XCTAssertEqual(cloud.opacities, original.opacities)
        XCTAssertEqual(cloud.sh, original.sh)
        // Each Gaussian's axes turn with the head: R(q') = R_head · R(q).
        for i in 0..<original.count {
            let axis = SIMD3<Float>(1, 0, 0)
            XCTAssertLessThanOrEqual(maxDistance([apply(cloud.rotations[i], axis)],
                                                 [rotate(apply(original.rotations[i], axis), by: pose.rotation)]), 1e-5)
        }

        // A FLAME drive turns it by rotation ∘ neck.
        try avatar.pose(.flame(FLAMEParameters(rotation: [0, 0.4, 0], neck: [0, 0.2, 0])), into: &cloud)
        let turned = original.positions.map { rotate($0 - pivot, by: [0, 0.6, 0]) + pivot }
        XCTAssertLessThanOrEqual(maxDistance(cloud.positions, turned), 1e-5)

        // Neutral puts it back.
        try avatar.pose(.neutral, into: &cloud)
        XCTAssertLessThanOrEqual(maxDistance(cloud.positions, original.positions), 1e-7)
    }

    func testSplatFilesAndOtherPivots() throws {
        let folder = try makeTemporaryDirectory(self)
        let url = folder.appendingPathComponent("scene.splat")
        try SplatFile.write(makeScene(), to: url)
        let avatar = try Avatar.load(url.path)
        XCTAssertEqual(avatar.kind, .rigid)
        let scene = try SplatFile.read(contentsOf: url)
        let origin = Avatar(rigidScene: scene, pivot: .origin, name: "scene")
        var cloud = GaussianCloud()
        try origin.pose(.arkit(ARKitParameters(headPose: HeadPose(yaw: 0.5))), into: &cloud)
        let expected = scene.positions.map { rotate($0, by: [0, 0.5, 0]) }
        XCTAssertLessThanOrEqual(maxDistance(cloud.positions, expected), 1e-6)
    }

    /// `q ⊗ (0, v) ⊗ q*`.
    func apply(_ q: SIMD4<Float>, _ v: SIMD3<Float>) -> SIMD3<Float> {
        let w = q.x, u = SIMD3(q.y, q.z, q.w)
        func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
            SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
        }
        return v + 2 * w * cross(u, v) + 2 * cross(u, cross(u, v))
    }
}
