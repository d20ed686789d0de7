/// Eigen-decomposition of a symmetric 3×3 matrix by cyclic Jacobi rotations, in `Double`: the
/// covariance of a merged Gaussian turned back into scales and a rotation. Small and exact; it
/// runs once per merged Gaussian when an avatar is loaded, never per frame.
struct SymmetricEigen {
    /// Eigenvalues, descending.
    let values: SIMD3<Double>
    /// The matching unit eigenvectors, as the columns of a proper rotation (determinant +1).
    let vectors: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)

    /// `m` is read as `[[m00, m01, m02], [m01, m11, m12], [m02, m12, m22]]`.
    init(_ m00: Double, _ m01: Double, _ m02: Double, _ m11: Double, _ m12: Double, _ m22: Double) {
        var a = [[m00, m01, m02], [m01, m11, m12], [m02, m12, m22]]
        var v = [[1.0, 0, 0], [0, 1, 0], [0, 0, 1]]
        for _ in 0..<32 {
            let off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2]
            let diagonal = a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2]
            if off <= 1e-30 * max(diagonal, 1e-300) { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] where a[p][q] != 0 {
                // The rotation in the (p, q) plane that zeroes a[p][q].
                let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<3 {
                    let akp = a[k][p], akq = a[k][q]
                    a[k][p] = c * akp - s * akq
                    a[k][q] = s * akp + c * akq
                }
                for k in 0..<3 {
                    let apk = a[p][k], aqk = a[q][k]
                    a[p][k] = c * apk - s * aqk
                    a[q][k] = s * apk + c * aqk
                }
                for k in 0..<3 {
                    let vkp = v[k][p], vkq = v[k][q]
                    v[k][p] = c * vkp - s * vkq
                    v[k][q] = s * vkp + c * vkq
                }
            }
        }
        let order = [0, 1, 2].sorted { a[$0][$0] > a[$1][$1] }
        func column(_ j: Int) -> SIMD3<Double> { SIMD3(v[0][j], v[1][j], v[2][j]) }
        let e0 = column(order[0]), e1 = column(order[1])
        // The third axis from the first two keeps the frame right-handed.
        let e2 = SIMD3(e0.y * e1.z - e0.z * e1.y, e0.z * e1.x - e0.x * e1.z, e0.x * e1.y - e0.y * e1.x)
        values = SIMD3(a[order[0]][order[0]], a[order[1]][order[1]], a[order[2]][order[2]])
        vectors = (e0, e1, e2)
    }
}
