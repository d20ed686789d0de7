import SplatCore

/// The per-vertex part of the FLAME forward pass (docs/formats.md, "Evaluating the rig",
/// steps 1–6): `v_shaped + Σ c_k dir_k` over the active expression and pose-corrective
/// directions, then the blend of the five joint transforms, then the translation.
///
/// Parallel over tiles of `tileVertices` vertices; each tile accumulates its coordinates in
/// `SIMD8` registers-worth of scratch so every direction row is streamed once per tile.
package enum LinearBlendSkinning {
    /// The rig's per-vertex arrays, borrowed for one evaluation.
    package struct Rig {
        /// `v_shaped`, 3 floats per vertex, padded to whole `SIMD8` loads.
        package var shaped: UnsafeRawPointer
        /// Direction rows (expression, then pose-corrective), `rowStride` floats each.
        package var blend: UnsafeRawPointer
        package var rowStride: Int
        /// Skinning weights, 5 per vertex.
        package var weights: UnsafePointer<Float>
        package var vertexCount: Int
        package var tileVertices: Int

        package init(shaped: UnsafeRawPointer, blend: UnsafeRawPointer, rowStride: Int, weights: UnsafePointer<Float>,
                     vertexCount: Int, tileVertices: Int) {
            self.shaped = shaped; self.blend = blend; self.rowStride = rowStride
            self.weights = weights; self.vertexCount = vertexCount; self.tileVertices = tileVertices
        }
    }

    /// Writes the posed vertices into `out`: `rows[k]`/`values[k]` (k < `active`) are the
    /// non-zero coefficients and their direction rows; `A` holds the 5 joint transforms as
    /// 3 rows of `SIMD4` each.
    package static func skin(
        _ rig: Rig, rows: UnsafePointer<Int>, values: UnsafePointer<Float>, active: Int,
        transforms A: UnsafePointer<SIMD4<Float>>, translation: SIMD3<Float>, threads: Int,
        into out: UnsafeMutablePointer<SIMD3<Float>>
    ) {
        let tiles = (rig.vertexCount + rig.tileVertices - 1) / rig.tileVertices
        let workers = max(1, min(threads, tiles / 4))
        Parallel.run(workers, Step(rig: rig, rows: rows, values: values, active: active, A: A, translation: translation,
                                   out: out, tiles: tiles, workers: workers))
    }

    private struct Step: ParallelWork {
        let rig: Rig, rows: UnsafePointer<Int>, values: UnsafePointer<Float>, active: Int
        let A: UnsafePointer<SIMD4<Float>>, translation: SIMD3<Float>, out: UnsafeMutablePointer<SIMD3<Float>>
        let tiles: Int, workers: Int

        func run(worker: Int) {
            let V = rig.vertexCount, T = rig.tileVertices, stride = rig.rowStride
            let shaped = rig.shaped, blend = rig.blend, weights = rig.weights
            let a00 = A[0], a01 = A[1], a02 = A[2], a10 = A[3], a11 = A[4], a12 = A[5]
            let a20 = A[6], a21 = A[7], a22 = A[8], a30 = A[9], a31 = A[10], a32 = A[11]
            let a40 = A[12], a41 = A[13], a42 = A[14]
            withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 3 * T / 8) { accumulator in
                let acc = accumulator.baseAddress!
                for tile in Parallel.chunk(tiles, worker, workers) {
                    let v0 = tile * T
                    let nv = min(T, V - v0)
                    let f0 = 3 * v0
                    let blocks = (3 * nv + 7) / 8
                    let byteOffset = 4 * f0
                    for i in 0..<blocks {
                        acc[i] = shaped.loadUnaligned(fromByteOffset: byteOffset + 32 * i, as: SIMD8<Float>.self)
                    }
                    for k in 0..<active {
                        let c = SIMD8<Float>(repeating: values[k])
                        let row = blend + 4 * (rows[k] * stride) + byteOffset
                        for i in 0..<blocks {
                            acc[i] = acc[i].addingProduct(c, row.loadUnaligned(fromByteOffset: 32 * i, as: SIMD8<Float>.self))
                        }
                    }
                    let p = UnsafeRawPointer(acc).assumingMemoryBound(to: Float.self)
                    for i in 0..<nv {
                        let v = v0 + i
                        let q = SIMD4<Float>(p[3 * i], p[3 * i + 1], p[3 * i + 2], 1)
                        let w = weights + 5 * v
                        let w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4]
                        let r0 = w0 * a00 + w1 * a10 + w2 * a20 + w3 * a30 + w4 * a40
                        let r1 = w0 * a01 + w1 * a11 + w2 * a21 + w3 * a31 + w4 * a41
                        let r2 = w0 * a02 + w1 * a12 + w2 * a22 + w3 * a32 + w4 * a42
                        out[v] = SIMD3((r0 * q).sum(), (r1 * q).sum(), (r2 * q).sum()) + translation
                    }
                }
            }
        }
    }
}
