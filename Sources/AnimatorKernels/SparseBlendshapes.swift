/// The blendshape rig's per-vertex loops: sparse target offsets summed onto the neutral mesh,
/// and a rigid rotation about a pivot (head pose, eyeballs).
package enum SparseBlendshapes {
    /// The targets in compressed sparse rows: target `k` moves vertices
    /// `vertices[ranges[k] ..< ranges[k + 1]]` by `offsets[…]`.
    package struct Targets {
        package var ranges: UnsafePointer<Int32>
        package var vertices: UnsafePointer<Int32>
        package var offsets: UnsafePointer<SIMD3<Float>>
        package var count: Int

        package init(ranges: UnsafePointer<Int32>, vertices: UnsafePointer<Int32>, offsets: UnsafePointer<SIMD3<Float>>, count: Int) {
            self.ranges = ranges; self.vertices = vertices; self.offsets = offsets; self.count = count
        }
    }

    /// `out[v] += Σ_k weights[k] · offset_k[v]`. For targets with `skipGroup[k]` true, vertices
    /// whose `groups[v]` is not 0 are left alone (eyeballs turned rigidly instead of by the
    /// `eyeLook*` targets).
    package static func add(_ targets: Targets, weights: UnsafePointer<Float>, skipGroup: UnsafePointer<Bool>?,
                            groups: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<SIMD3<Float>>) {
        let ranges = targets.ranges, ev = targets.vertices, eo = targets.offsets
        for k in 0..<targets.count {
            let w = weights[k]
            if w == 0 { continue }
            let range = Int(ranges[k])..<Int(ranges[k + 1])
            if let skipGroup, skipGroup[k] {
                for j in range where groups[Int(ev[j])] == 0 { out[Int(ev[j])] += w * eo[j] }
            } else {
                for j in range { out[Int(ev[j])] += w * eo[j] }
            }
        }
    }

    /// `out[v] ← R (out[v] − pivot) + shift` for every vertex of `indices` (all of `0..<count`
    /// when nil); `rows` are R's rows.
    package static func rotate(_ out: UnsafeMutablePointer<SIMD3<Float>>, count: Int, indices: UnsafePointer<Int32>?,
                               rows: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>), pivot: SIMD3<Float>, shift: SIMD3<Float>) {
        let (r0, r1, r2) = rows
        for i in 0..<count {
            let v = indices.map { Int($0[i]) } ?? i
            let d = out[v] - pivot
            out[v] = SIMD3((r0 * d).sum(), (r1 * d).sum(), (r2 * d).sum()) + shift
        }
    }
}
