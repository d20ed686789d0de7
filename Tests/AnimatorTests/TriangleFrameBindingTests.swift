import Animator
import Foundation
import SplatIO
import XCTest

/// The GaussianAvatars per-triangle transform against the numpy reference (`gaussians.npz`).
final class TriangleFrameBindingTests: XCTestCase {
    /// `q` and `−q` are the same rotation.
    static func quaternionError(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> Float {
        let d1 = a - b, d2 = a + b
        return min((d1 * d1).sum(), (d2 * d2).sum()).squareRoot()
    }

    func testFaceFramesMatchTheReference() throws {
        let rig = try syntheticRig()
        let g = try FixtureArrays("synthetic-flame/gaussians.npz")
        let posed = try g.vectors("posed_vertices")
        let frames = FaceFrames()
        frames.update(vertices: posed, faces: rig.faces)
        XCTAssertEqual(frames.count, rig.faceCount)
        let centres = try g.vectors("face_center"), scales = try g.floats("face_scale")
        let rotations = try g.floats("face_rotation"), quats = try g.quaternions("face_quat")
        for f in 0..<rig.faceCount {
            XCTAssertLessThanOrEqual(maxDistance([frames.centre(f)], [centres[f]]), 1e-6, "centre \(f)")
            XCTAssertEqual(frames.scale(f), scales[f], accuracy: 1e-5 * scales[f], "scale \(f)")
            let (a0, a1, a2) = frames.rotation(f)
            for row in 0..<3 {
                let r = rotations[(9 * f + 3 * row)..<(9 * f + 3 * row + 3)].map { $0 }
                XCTAssertEqual(a0[row], r[0], accuracy: 1e-5); XCTAssertEqual(a1[row], r[1], accuracy: 1e-5)
                XCTAssertEqual(a2[row], r[2], accuracy: 1e-5)
            }
            XCTAssertLessThanOrEqual(Self.quaternionError(frames.quaternion(f), quats[f]), 1e-5, "quaternion \(f)")
        }
    }

    func testWorldGaussiansMatchTheReference() throws {
        let rig = try syntheticRig()
        let g = try FixtureArrays("synthetic-flame/gaussians.npz")
        let n = try g.shape("binding")[0]
        // Local values as a PLY reader delivers them: activated scales, normalised quaternions.
        let logScales = try g.vectors("log_scale")
        let quats = try g.quaternions("quat").map { $0 / ($0 * $0).sum().squareRoot() }
        let bound = try BoundGaussians(binding: .triangleFrame, faces: try g.ints("binding"), offsets: try g.vectors("xyz"),
                                       scales: logScales.map { SIMD3(exp($0.x), exp($0.y), exp($0.z)) },
                                       rotations: quats, opacities: [Float](repeating: 0.5, count: n),
                                       sh: [Float](repeating: 0, count: 3 * n), shDegree: 0)
        let frames = FaceFrames()
        frames.update(vertices: try g.vectors("posed_vertices"), faces: rig.faces)
        var cloud = GaussianCloud()
        bound.deform(frames: frames, into: &cloud)
        XCTAssertEqual(cloud.count, n)

        let xyz = try g.vectors("world_xyz"), scale = try g.vectors("world_scale"), quat = try g.quaternions("world_quat")
        XCTAssertLessThanOrEqual(maxDistance(cloud.positions, xyz), 1e-5)
        for i in 0..<n {
            let rel = relativeError(cloud.scales[i], scale[i])
            XCTAssertLessThanOrEqual(rel, 1e-5, "scale \(i)")
            XCTAssertLessThanOrEqual(Self.quaternionError(cloud.rotations[i], quat[i]), 1e-5, "rotation \(i)")
        }
        XCTAssertEqual(cloud.opacities, [Float](repeating: 0.5, count: n))
    }

    /// A second frame reuses the cloud's storage and gives the same answer as a fresh cloud.
    func testDeformReusesTheCloud() throws {
        let rig = try syntheticRig()
        let g = try FixtureArrays("synthetic-flame/gaussians.npz")
        let n = try g.shape("binding")[0]
        let bound = try BoundGaussians(binding: .triangleFrame, faces: try g.ints("binding"), offsets: try g.vectors("xyz"),
                                       scales: [SIMD3<Float>](repeating: [0.1, 0.2, 0.3], count: n),
                                       rotations: [SIMD4<Float>](repeating: [1, 0, 0, 0], count: n),
                                       opacities: [Float](repeating: 1, count: n), sh: [Float](repeating: 0, count: 3 * n), shDegree: 0)
        let frames = FaceFrames()
        frames.update(vertices: try g.vectors("posed_vertices"), faces: rig.faces)
        var cloud = bound.makeCloud()
        let before = cloud.positions.withUnsafeBufferPointer { $0.baseAddress }
        bound.deform(frames: frames, into: &cloud)
        XCTAssertEqual(cloud.positions.withUnsafeBufferPointer { $0.baseAddress }, before)
        var fresh = GaussianCloud()
        bound.deform(frames: frames, into: &fresh, threads: 1)
        XCTAssertEqual(fresh, cloud)
    }
}
