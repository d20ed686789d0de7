/// Real spherical-harmonics colour evaluation (degree 0–3), in the basis and sign convention
/// of the 3DGS renderers.
package enum SphericalHarmonics {
    static let c0: Float = 0.28209479177387814
    static let c1: Float = 0.4886025119029199
    static let c2: (Float, Float, Float, Float, Float) =
        (1.0925484305920792, -1.0925484305920792, 0.31539156525252005, -1.0925484305920792, 0.5462742152960396)
    static let c3: (Float, Float, Float, Float, Float, Float, Float) =
        (-0.5900435899266435, 2.890611442640554, -0.4570457994644658, 0.3731763325901154,
         -0.4570457994644658, 1.445305721320277, -0.5900435899266435)

    /// Colour of one Gaussian seen along the unit direction `d`, `max(c + 0.5, 0)`.
    /// `k` points at the Gaussian's `(degree+1)²` RGB coefficient triples.
    ///
    /// The basis values are computed once, then each coefficient triple is loaded as a vector
    /// and accumulated with one FMA (the per-term scalar form cost three times as much).
    @inline(__always)
    package static func colour(degree: Int, direction d: SIMD3<Float>, coefficients k: UnsafePointer<Float>) -> SIMD3<Float> {
        @inline(__always) func coef(_ i: Int) -> SIMD3<Float> { SIMD3(k[3 * i], k[3 * i + 1], k[3 * i + 2]) }
        var c = c0 * coef(0)
        if degree >= 1 {
            let x = d.x, y = d.y, z = d.z
            c = c.addingProduct(coef(1), -c1 * y)
            c = c.addingProduct(coef(2), c1 * z)
            c = c.addingProduct(coef(3), -c1 * x)
            if degree >= 2 {
                let xx = x * x, yy = y * y, zz = z * z
                let xy = x * y, yz = y * z, xz = x * z
                c = c.addingProduct(coef(4), c2.0 * xy)
                c = c.addingProduct(coef(5), c2.1 * yz)
                c = c.addingProduct(coef(6), c2.2 * (2 * zz - xx - yy))
                c = c.addingProduct(coef(7), c2.3 * xz)
                c = c.addingProduct(coef(8), c2.4 * (xx - yy))
                if degree >= 3 {
                    c = c.addingProduct(coef(9), c3.0 * y * (3 * xx - yy))
                    c = c.addingProduct(coef(10), c3.1 * xy * z)
                    c = c.addingProduct(coef(11), c3.2 * y * (4 * zz - xx - yy))
                    c = c.addingProduct(coef(12), c3.3 * z * (2 * zz - 3 * xx - 3 * yy))
                    c = c.addingProduct(coef(13), c3.4 * x * (4 * zz - xx - yy))
                    c = c.addingProduct(coef(14), c3.5 * z * (xx - yy))
                    c = c.addingProduct(coef(15), c3.6 * x * (xx - 3 * yy))
                }
            }
        }
        let v = c + 0.5
        return SIMD3(max(v.x, 0), max(v.y, 0), max(v.z, 0))
    }
}
