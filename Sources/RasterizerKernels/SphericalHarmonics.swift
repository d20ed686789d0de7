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

    /// Colour of one Gaussian from its `count` RGB coefficient triples at `k` and the basis values
    /// of its view direction at `basis[8·j]` for `j ≥ 1` (one lane of the projection's
    /// `SIMD8` basis), `max(c + 0.5, 0)`; the same sum, in the same order, as
    /// the reference renderers.
    ///
    /// Each triple is read as four floats (the fourth belongs to the next triple and is ignored),
    /// except the last, which may end the array.
    @inline(__always)
    package static func colour(coefficients k: UnsafePointer<Float>, count: Int, basis: UnsafePointer<Float>) -> SIMD3<Float> {
        var c = c0 * SIMD4(k[0], k[1], k[2], 0)
        if count > 1 {
            let raw = UnsafeRawPointer(k)
            for j in 1..<(count - 1) {
                c = c.addingProduct(raw.loadUnaligned(fromByteOffset: 12 * j, as: SIMD4<Float>.self), basis[8 * j])
            }
            let j = count - 1
            c = c.addingProduct(SIMD4(k[3 * j], k[3 * j + 1], k[3 * j + 2], 0), basis[8 * j])
        }
        let v = c + 0.5
        return SIMD3(max(v.x, 0), max(v.y, 0), max(v.z, 0))
    }
}
