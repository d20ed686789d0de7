/// Real spherical-harmonics colour evaluation (degree 0–3), in the basis and sign convention
/// of the 3DGS renderers.
enum SphericalHarmonics {
    static let c0: Float = 0.28209479177387814
    static let c1: Float = 0.4886025119029199
    static let c2: (Float, Float, Float, Float, Float) =
        (1.0925484305920792, -1.0925484305920792, 0.31539156525252005, -1.0925484305920792, 0.5462742152960396)
    static let c3: (Float, Float, Float, Float, Float, Float, Float) =
        (-0.5900435899266435, 2.890611442640554, -0.4570457994644658, 0.3731763325901154,
         -0.4570457994644658, 1.445305721320277, -0.5900435899266435)

    /// Colour of one Gaussian seen along the unit direction `d`, `max(c + 0.5, 0)`.
    /// `k` points at the Gaussian's `(degree+1)²` RGB coefficient triples.
    @inline(__always)
    static func colour(degree: Int, direction d: SIMD3<Float>, coefficients k: UnsafePointer<Float>) -> SIMD3<Float> {
        @inline(__always) func coef(_ i: Int) -> SIMD3<Float> { SIMD3(k[3 * i], k[3 * i + 1], k[3 * i + 2]) }
        var c = c0 * coef(0)
        guard degree >= 1 else { return clampColour(c) }
        let x = d.x, y = d.y, z = d.z
        c += (c1 * z) * coef(2) - (c1 * y) * coef(1) - (c1 * x) * coef(3)
        guard degree >= 2 else { return clampColour(c) }
        let xx = x * x, yy = y * y, zz = z * z
        let xy = x * y, yz = y * z, xz = x * z
        let b4: Float = c2.0 * xy, b5: Float = c2.1 * yz, b6: Float = c2.2 * (2 * zz - xx - yy)
        let b7: Float = c2.3 * xz, b8: Float = c2.4 * (xx - yy)
        c += b4 * coef(4) + b5 * coef(5) + b6 * coef(6) + b7 * coef(7) + b8 * coef(8)
        guard degree >= 3 else { return clampColour(c) }
        let b9: Float = c3.0 * y * (3 * xx - yy)
        let b10: Float = c3.1 * xy * z
        let b11: Float = c3.2 * y * (4 * zz - xx - yy)
        let b12: Float = c3.3 * z * (2 * zz - 3 * xx - 3 * yy)
        let b13: Float = c3.4 * x * (4 * zz - xx - yy)
        let b14: Float = c3.5 * z * (xx - yy)
        let b15: Float = c3.6 * x * (xx - 3 * yy)
        c += b9 * coef(9) + b10 * coef(10) + b11 * coef(11) + b12 * coef(12)
        c += b13 * coef(13) + b14 * coef(14) + b15 * coef(15)
        return clampColour(c)
    }

    @inline(__always)
    private static func clampColour(_ c: SIMD3<Float>) -> SIMD3<Float> {
        let v = c + 0.5
        return SIMD3(max(v.x, 0), max(v.y, 0), max(v.z, 0))
    }
}
