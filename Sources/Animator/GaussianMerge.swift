import AnimatorKernels
import SplatIO

/// One Gaussian standing for several: the moment-matched merge used by ``DetailLevels``.
///
/// Members are weighted by their opacity times their area (the product of their two largest
/// scales), which is what a Gaussian adds to a picture when seen face on. The merged mean and
/// covariance are the weighted mixture's (`Σ = Σ wᵢ (Σᵢ + (μᵢ − μ)(μᵢ − μ)ᵀ) / W`), so it covers
/// the members' footprint; its opacity keeps their coverage (`Σ αᵢ Aᵢ / A`, at most 1) but is
/// never below their weighted mean opacity (strokes such as brows, which overlap, stay as dark),
/// and its colour is the weighted mean of the members' SH coefficients.
struct GaussianMerge {
    var mean: SIMD3<Double>
    /// Scales (standard deviations along the rotation's axes), descending.
    var scales: SIMD3<Double>
    /// The rotation whose columns are the axes of `scales`.
    var rotation: Matrix3
    var opacity: Double

    /// Merges `members` of `cloud` (world-space Gaussians), adding their weighted SH to `sh`
    /// (which holds one Gaussian's coefficients, zeroed by the caller).
    init(_ members: ArraySlice<Int32>, of cloud: GaussianCloud, sh: inout [Float]) {
        let k = sh.count
        var weights: [Double] = []
        weights.reserveCapacity(members.count)
        var total = 0.0
        for m in members {
            let s = SIMD3<Double>(cloud.scales[Int(m)]).sortedDescending
            let w = Double(cloud.opacities[Int(m)]) * s.x * s.y
            weights.append(w)
            total += w
        }
        // Transparent members only: weigh them alike (the merge is transparent too).
        if !(total > 0) { weights = Array(repeating: 1, count: members.count); total = Double(members.count) }

        var mean = SIMD3<Double>.zero
        for (m, w) in zip(members, weights) { mean += w * SIMD3<Double>(cloud.positions[Int(m)]) }
        mean /= total
        // Covariance (xx, xy, xz, yy, yz, zz).
        var c = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        var coverage = 0.0, meanAlpha = 0.0
        for (m, w) in zip(members, weights) {
            let g = Int(m)
            let r = Self.matrix(SIMD4<Double>(cloud.rotations[g]))
            let s = SIMD3<Double>(cloud.scales[g])
            let v = s * s
            // R diag(v) Rᵀ plus the spread of the mean.
            let d = SIMD3<Double>(cloud.positions[g]) - mean
            let r0 = r.r0 * v, r1 = r.r1 * v, r2 = r.r2 * v
            c.0 += w * ((r0 * r.r0).sum() + d.x * d.x)
            c.1 += w * ((r0 * r.r1).sum() + d.x * d.y)
            c.2 += w * ((r0 * r.r2).sum() + d.x * d.z)
            c.3 += w * ((r1 * r.r1).sum() + d.y * d.y)
            c.4 += w * ((r1 * r.r2).sum() + d.y * d.z)
            c.5 += w * ((r2 * r.r2).sum() + d.z * d.z)
            let sorted = s.sortedDescending
            coverage += Double(cloud.opacities[g]) * sorted.x * sorted.y
            meanAlpha += w * Double(cloud.opacities[g])
            let f = Float(w / total)
            for j in 0..<k { sh[j] += f * cloud.sh[g * k + j] }
        }
        let eigen = SymmetricEigen(c.0 / total, c.1 / total, c.2 / total, c.3 / total, c.4 / total, c.5 / total)
        let variances = SIMD3<Double>(max(eigen.values.x, 1e-18), max(eigen.values.y, 1e-18), max(eigen.values.z, 1e-18))
        self.mean = mean
        let moments = SIMD3(variances.x.squareRoot(), variances.y.squareRoot(), variances.z.squareRoot())
        scales = moments * Self.widening
        let (e0, e1, e2) = eigen.vectors
        rotation = Matrix3(r0: [e0.x, e1.x, e2.x], r1: [e0.y, e1.y, e2.y], r2: [e0.z, e1.z, e2.z])
        opacity = max(min(1, coverage / (moments.x * moments.y)), meanAlpha / total)
    }

    /// How much wider than its moments a merged Gaussian is drawn. A Gaussian fades towards its
    /// edge where the patch of Gaussians it stands for was evenly covered, so neighbouring merges
    /// would leave seams at the cell borders through which what lies behind shows.
    static let widening = 1.2

    /// The rotation matrix of a unit quaternion (lanes w, x, y, z).
    static func matrix(_ q: SIMD4<Double>) -> Matrix3 {
        let (w, x, y, z) = (q.x, q.y, q.z, q.w)
        return Matrix3(r0: [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
                       r1: [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
                       r2: [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)])
    }
}

extension SIMD3 where Scalar == Double {
    /// The components, largest first.
    var sortedDescending: SIMD3<Double> {
        var a = self
        if a.x < a.y { a = SIMD3(a.y, a.x, a.z) }
        if a.y < a.z { a = SIMD3(a.x, a.z, a.y) }
        if a.x < a.y { a = SIMD3(a.y, a.x, a.z) }
        return a
    }
}
