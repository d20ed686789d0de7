import Animator
import Foundation
import Rasterizer
import SplatIO
import XCTest

/// The synthetic GaussianAvatars folder (`synthetic-ga-avatar/`) loads, replays its frames like
/// the numpy reference (`expected.npz`) and renders.
final class GaussianAvatarsFolderTests: XCTestCase {
    func loadAvatar() throws -> Avatar {
        try GaussianAvatarsFolder.load(fixtureURL("synthetic-ga-avatar"), rig: syntheticRig())
    }

    func testLoads() throws {
        let avatar = try loadAvatar()
        XCTAssertEqual(avatar.kind, .flame)
        XCTAssertEqual(avatar.gaussianCount, 300)
        XCTAssertEqual(avatar.renderHints, .gaussianAvatars)
        XCTAssertEqual(avatar.motion?.frameCount, 3)
        XCTAssertEqual(avatar.motion?.expressionCount, 12)
        XCTAssertTrue(GaussianAvatarsFolder.isAvatar(fixtureURL("synthetic-ga-avatar")))
        XCTAssertTrue(GaussianAvatarsFolder.isAvatar(fixtureURL("synthetic-ga-avatar/point_cloud.ply")))
    }

    func testReplaysItsFramesLikeTheReference() throws {
        let avatar = try loadAvatar()
        let motion = try XCTUnwrap(avatar.motion)
        let expected = try FixtureArrays("synthetic-ga-avatar/expected.npz")
        let vertices = try expected.vectors("vertices"), xyz = try expected.vectors("world_xyz")
        let scales = try expected.vectors("world_scale"), quats = try expected.quaternions("world_quat")
        let V = 398, N = 300
        var cloud = avatar.makeCloud()
        var parameters = FLAMEParameters()
        for t in 0..<motion.frameCount {
            motion.parameters(at: t, into: &parameters)
            try avatar.pose(.flame(parameters), into: &cloud)
            let mesh = try avatar.posedVertices(.flame(parameters))
            XCTAssertLessThanOrEqual(maxDistance(mesh, Array(vertices[(t * V)..<((t + 1) * V)])), 1e-5, "frame \(t) vertices")
            XCTAssertLessThanOrEqual(maxDistance(cloud.positions, Array(xyz[(t * N)..<((t + 1) * N)])), 1e-5, "frame \(t) positions")
            for i in 0..<N {
                let e = scales[t * N + i]
                XCTAssertLessThanOrEqual(relativeError(cloud.scales[i], e), 1e-5, "frame \(t) scale \(i)")
                XCTAssertLessThanOrEqual(TriangleFrameBindingTests.quaternionError(cloud.rotations[i], quats[t * N + i]), 1e-4,
                                         "frame \(t) rotation \(i)")
            }
        }
    }

    func testAMotionFileReplaysTheSameFrames() throws {
        let avatar = try loadAvatar()
        let motion = try FLAMEMotion(contentsOf: fixtureURL("synthetic-ga-avatar/flame_param.npz"))
        XCTAssertEqual(motion.frameCount, 3)
        XCTAssertEqual(motion.parameters(at: 2), avatar.motion!.parameters(at: 2))
    }

    func testRenders() throws {
        let avatar = try loadAvatar()
        var cloud = avatar.makeCloud()
        try avatar.pose(.flame(avatar.motion!.parameters(at: 1)), into: &cloud)
        let camera = try Camera.lookAt(eye: avatar.focus + SIMD3(0, 0, 1), target: avatar.focus, fovY: 20, width: 128, height: 128)
        let framebuffer = Framebuffer(width: 128, height: 128)
        let options = RenderOptions(convention: Convention(rawValue: avatar.renderHints.convention.rawValue)!,
                                    background: avatar.renderHints.background)
        let report = Renderer().render(cloud, camera: camera, options: options, into: framebuffer)
        XCTAssertGreaterThan(report.visible, 0)
        let covered = framebuffer.alpha.filter { $0 > 0.5 }.count
        XCTAssertGreaterThan(covered, 100, "the avatar should cover part of the image")
    }
}
