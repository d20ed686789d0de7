import SplatCore

/// Moves a static scene rigidly with the head pose: `p ← R (p − pivot) + shift`,
/// `q ← q_R ⊗ q`, in parallel.
package enum RigidMotion {
    package static func move(
        positions p: UnsafePointer<SIMD3<Float>>, rotations r: UnsafePointer<SIMD4<Float>>, count n: Int,
        rows: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>), quaternion q: SIMD4<Float>,
        pivot: SIMD3<Float>, shift: SIMD3<Float>,
        intoPositions po: UnsafeMutablePointer<SIMD3<Float>>, rotations ro: UnsafeMutablePointer<SIMD4<Float>>,
        threads: Int
    ) {
        let workers = Parallel.workers(for: n, threads: threads, minimumPerWorker: 8192)
        Parallel.run(workers, Step(p: p, r: r, n: n, rows: rows, q: q, pivot: pivot, shift: shift, po: po, ro: ro,
                                   workers: workers))
    }

    private struct Step: ParallelWork {
        let p: UnsafePointer<SIMD3<Float>>, r: UnsafePointer<SIMD4<Float>>, n: Int
        let rows: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>), q: SIMD4<Float>, pivot: SIMD3<Float>, shift: SIMD3<Float>
        let po: UnsafeMutablePointer<SIMD3<Float>>, ro: UnsafeMutablePointer<SIMD4<Float>>, workers: Int

        func run(worker: Int) {
            let (r0, r1, r2) = rows
            for g in Parallel.chunk(n, worker, workers) {
                let d = p[g] - pivot
                po[g] = SIMD3((r0 * d).sum(), (r1 * d).sum(), (r2 * d).sum()) + shift
                ro[g] = RotationMath.multiply(q, r[g])
            }
        }
    }
}
