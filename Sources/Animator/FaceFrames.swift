import AnimatorKernels
import Foundation
import SplatCore

/// Per-triangle frames of a posed mesh, recomputed every frame (in parallel) before the
/// Gaussians bound to the triangles are moved. Reused across frames: after the first update of
/// a given mesh size it allocates nothing.
///
/// For each triangle (v0, v1, v2), as docs/formats.md ("Bound Gaussians") states:
///
/// ```
/// c  = (v0 + v1 + v2) / 3
/// a0 = normalize(v1 − v0);  a1 = normalize(cross(a0, v2 − v0));  a2 = −normalize(cross(a1, a0))
/// R_f = [a0 a1 a2] (columns),  q_f = quaternion(R_f),  k = (|v1 − v0| + |dot(a2, v2 − v0)|) / 2
/// normalize(x) = x / sqrt(max(dot(x, x), 1e-20))
/// ```
///
/// Not thread-safe: one update at a time.
public final class FaceFrames {
    /// Number of triangles of the last update.
    public private(set) var count = 0

    private var frames: UnsafeMutablePointer<FaceFrame>
    private var corners: UnsafeMutablePointer<SIMD4<Float>>
    private var capacity = 0

    /// Empty frames; storage grows on the first update.
    public init() {
        frames = .allocate(capacity: 1)
        corners = .allocate(capacity: 3)
        capacity = 1
    }

    deinit {
        frames.deallocate()
        corners.deallocate()
    }

    /// Recomputes the frames of `faces` (3 indices per triangle) over `vertices`.
    /// - Precondition: every index is in range (rigs validate their faces when loaded).
    public func update(vertices: [SIMD3<Float>], faces: [Int32], threads: Int = Parallel.coreCount) {
        vertices.withUnsafeBufferPointer { v in
            faces.withUnsafeBufferPointer { f in
                update(vertices: v.baseAddress!, faces: f.baseAddress!, faceCount: f.count / 3, threads: threads)
            }
        }
    }

    func update(vertices: UnsafePointer<SIMD3<Float>>, faces: UnsafePointer<Int32>, faceCount: Int, threads: Int) {
        reserve(faceCount)
        count = faceCount
        TriangleFrames.compute(vertices: vertices, faces: faces, faceCount: faceCount, frames: frames,
                               corners: corners, threads: threads)
    }

    private func reserve(_ n: Int) {
        guard n > capacity else { return }
        frames.deallocate()
        corners.deallocate()
        frames = .allocate(capacity: n)
        corners = .allocate(capacity: 3 * n)
        capacity = n
    }

    // MARK: - Access

    /// Centroid of triangle `f`.
    public func centre(_ f: Int) -> SIMD3<Float> { precondition(f < count); return SIMD3(frames[f].centre.x, frames[f].centre.y, frames[f].centre.z) }

    /// Scale `k` of triangle `f`.
    public func scale(_ f: Int) -> Float { precondition(f < count); return frames[f].kx.w }

    /// Rotation columns (a0, a1, a2) of triangle `f`; a1 is the outward normal.
    public func rotation(_ f: Int) -> (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>) {
        precondition(f < count)
        let k = frames[f].kx.w
        func column(_ v: SIMD4<Float>) -> SIMD3<Float> { SIMD3(v.x, v.y, v.z) / k }
        return (column(frames[f].kx), column(frames[f].ky), column(frames[f].kz))
    }

    /// Quaternion `q_f` (lanes w, x, y, z) of triangle `f`.
    public func quaternion(_ f: Int) -> SIMD4<Float> { precondition(f < count); return frames[f].quaternion }

    var framePointer: UnsafePointer<FaceFrame> { UnsafePointer(frames) }
    var cornerPointer: UnsafePointer<SIMD4<Float>> { UnsafePointer(corners) }
}
