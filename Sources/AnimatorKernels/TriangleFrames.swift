import SplatCore

/// The frames of a posed mesh's triangles (docs/formats.md, "Bound Gaussians"), in parallel:
/// for each triangle its corners and its ``FaceFrame``.
package enum TriangleFrames {
    /// Writes `frames[f]` and `corners[3f ..< 3f + 3]` for every triangle of `faces`
    /// (3 vertex indices each).
    /// - Precondition: every index is below the vertex count (rigs validate their faces).
    package static func compute(
        vertices: UnsafePointer<SIMD3<Float>>, faces: UnsafePointer<Int32>, faceCount: Int,
        frames: UnsafeMutablePointer<FaceFrame>, corners: UnsafeMutablePointer<SIMD4<Float>>, threads: Int
    ) {
        let workers = Parallel.workers(for: faceCount, threads: threads, minimumPerWorker: 2048)
        Parallel.run(workers, Step(vertices: vertices, faces: faces, faceCount: faceCount, frames: frames,
                                   corners: corners, workers: workers))
    }

    private struct Step: ParallelWork {
        let vertices: UnsafePointer<SIMD3<Float>>, faces: UnsafePointer<Int32>, faceCount: Int
        let frames: UnsafeMutablePointer<FaceFrame>, corners: UnsafeMutablePointer<SIMD4<Float>>, workers: Int

        func run(worker: Int) {
            for f in Parallel.chunk(faceCount, worker, workers) {
                let v0 = vertices[Int(faces[3 * f])], v1 = vertices[Int(faces[3 * f + 1])], v2 = vertices[Int(faces[3 * f + 2])]
                corners[3 * f] = SIMD4(v0, 0)
                corners[3 * f + 1] = SIMD4(v1, 0)
                corners[3 * f + 2] = SIMD4(v2, 0)
                frames[f] = frame(v0, v1, v2)
            }
        }
    }

    /// The frame of one triangle.
    @inline(__always)
    package static func frame(_ v0: SIMD3<Float>, _ v1: SIMD3<Float>, _ v2: SIMD3<Float>) -> FaceFrame {
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
    package static func normalize(_ x: SIMD3<Float>) -> SIMD3<Float> {
        x / max((x * x).sum(), 1e-20).squareRoot()
    }

    @inline(__always)
    package static func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
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
}
