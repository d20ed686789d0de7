import Foundation
import SplatCore

/// Per-triangle frames of a posed mesh, recomputed every frame (in parallel) before the
/// Gaussians bound to the triangles are moved. Reused across frames: after the first update of
/// a given mesh size it allocates nothing.
///
/// For each triangle (v0, v1, v2), exactly as flame.md states:
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
        let frames = self.frames, corners = self.corners
        let workers = Parallel.workers(for: faceCount, threads: threads, minimumPerWorker: 2048)
        Parallel.run(workers) { worker in
            for f in Parallel.chunk(faceCount, worker, workers) {
                let v0 = vertices[Int(faces[3 * f])], v1 = vertices[Int(faces[3 * f + 1])], v2 = vertices[Int(faces[3 * f + 2])]
                corners[3 * f] = SIMD4(v0, 0)
                corners[3 * f + 1] = SIMD4(v1, 0)
                corners[3 * f + 2] = SIMD4(v2, 0)
                frames[f] = Self.frame(v0, v1, v2)
            }
        }
    }

    private func reserve(_ n: Int) {
        guard n > capacity else { return }
        frames.deallocate()
        corners.deallocate()
        frames = .allocate(capacity: n)
        corners = .allocate(capacity: 3 * n)
        capacity = n
    }

    /// The frame of one triangle.
    @inline(__always)
    static func frame(_ v0: SIMD3<Float>, _ v1: SIMD3<Float>, _ v2: SIMD3<Float>) -> FaceFrame {
        let e1 = v1 - v0, e2 = v2 - v0
        let c = (v0 + v1 + v2) / 3
        let a0 = normalize(e1)
        let a1 = normalize(cross(a0, e2))
        let a2 = -normalize(cross(a1, a0))
        let k = ((e1 * e1).sum().squareRoot() + abs((a2 * e2).sum())) / 2
        return FaceFrame(kx: SIMD4(a0 * k, k), ky: SIMD4(a1 * k, 0), kz: SIMD4(a2 * k, 0),
                         centre: SIMD4(c, 0), quaternion: quaternion(a0, a1, a2))
    }

    @inline(__always)
    static func normalize(_ x: SIMD3<Float>) -> SIMD3<Float> {
        x / max((x * x).sum(), 1e-20).squareRoot()
    }

    @inline(__always)
    static func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    /// Quaternion (w, x, y, z) of the rotation with columns c0, c1, c2 (Shepperd's method).
    @inline(__always)
    static func quaternion(_ c0: SIMD3<Float>, _ c1: SIMD3<Float>, _ c2: SIMD3<Float>) -> SIMD4<Float> {
        // m[row][col] = c_col[row]
        let m00 = c0.x, m11 = c1.y, m22 = c2.z
        let tr = m00 + m11 + m22
        var q: SIMD4<Float>
        if tr >= m00 && tr >= m11 && tr >= m22 {
            let s = 2 * max(1 + tr, 0).squareRoot()
            q = SIMD4(0.25 * s, (c1.z - c2.y) / s, (c2.x - c0.z) / s, (c0.y - c1.x) / s)
        } else if m00 >= m11 && m00 >= m22 {
            let s = 2 * max(1 + m00 - m11 - m22, 0).squareRoot()
            q = SIMD4((c1.z - c2.y) / s, 0.25 * s, (c1.x + c0.y) / s, (c2.x + c0.z) / s)
        } else if m11 >= m22 {
            let s = 2 * max(1 - m00 + m11 - m22, 0).squareRoot()
            q = SIMD4((c2.x - c0.z) / s, (c1.x + c0.y) / s, 0.25 * s, (c2.y + c1.z) / s)
        } else {
            let s = 2 * max(1 - m00 - m11 + m22, 0).squareRoot()
            q = SIMD4((c0.y - c1.x) / s, (c2.x + c0.z) / s, (c2.y + c1.z) / s, 0.25 * s)
        }
        return q / max((q * q).sum(), 1e-20).squareRoot()
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
