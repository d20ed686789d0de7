import Animator
import Foundation
import SplatIO
import XCTest

/// Triangle + barycentric bindings against the numpy reference (`gaussians.npz`).
final class BarycentricBindingTests: XCTestCase {
    func testPositionsMatchTheReference() throws {
        let rig = try syntheticRig()
        let g = try FixtureArrays("synthetic-flame/gaussians.npz")
        let faces = try g.ints("bary_face"), coords = try g.vectors("bary_coords")
        let n = faces.count
        let bound = try BoundGaussians(binding: .barycentric, faces: faces, barycentric: coords,
                                       offsets: [SIMD3<Float>](repeating: .zero, count: n),
                                       scales: [SIMD3<Float>](repeating: [0.1, 0.01, 0.1], count: n),
                                       rotations: [SIMD4<Float>](repeating: [1, 0, 0, 0], count: n),
                                       opacities: [Float](repeating: 1, count: n), sh: [Float](repeating: 0, count: 3 * n), shDegree: 0)
        let frames = FaceFrames()
        frames.update(vertices: try g.vectors("posed_vertices"), faces: rig.faces)
        var cloud = GaussianCloud()
        bound.deform(frames: frames, into: &cloud)
        XCTAssertLessThanOrEqual(maxDistance(cloud.positions, try g.vectors("bary_world_xyz")), 1e-6)

        // Rotation and scale follow the triangle frame exactly as for GaussianAvatars bindings.
        let quats = try g.quaternions("face_quat"), k = try g.floats("face_scale")
        for i in 0..<n {
            let f = Int(faces[i])
            XCTAssertLessThanOrEqual(TriangleFrameBindingTests.quaternionError(cloud.rotations[i], quats[f]), 1e-5)
            XCTAssertEqual(cloud.scales[i].x, 0.1 * k[f], accuracy: 1e-5 * k[f])
        }
    }

    /// The offset is along the frame, in units of k: (0, h, 0) lifts the point along the normal.
    func testOffsetAlongTheNormal() throws {
        let v: [SIMD3<Float>] = [[0, 0, 0], [0.02, 0, 0], [0, 0.02, 0]]
        let frames = FaceFrames()
        frames.update(vertices: v, faces: [0, 1, 2])
        let k = frames.scale(0)
        let bound = try BoundGaussians(binding: .barycentric, faces: [0], barycentric: [[1.0 / 3, 1.0 / 3, 1.0 / 3]],
                                       offsets: [[0, 0.5, 0]], scales: [[1, 1, 1]], rotations: [[1, 0, 0, 0]],
                                       opacities: [1], sh: [0, 0, 0], shDegree: 0)
        var cloud = GaussianCloud()
        bound.deform(frames: frames, into: &cloud)
        let centre = SIMD3<Float>(0.02 / 3, 0.02 / 3, 0)
        XCTAssertLessThanOrEqual(maxDistance(cloud.positions, [centre + SIMD3(0, 0, 0.5 * k)]), 1e-7)  // normal = +z
    }
}
