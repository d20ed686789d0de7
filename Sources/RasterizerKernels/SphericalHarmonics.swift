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

    /// The basis functions 1…`(degree + 1)² − 1` of eight view directions `(x, y, z)` (one per
    /// lane, not yet normalised), stored as `basis[8·j + lane]` for ``colour(coefficients:count:basis:)``.
    @inline(__always)
    package static func basis(degree: Int, x dx: SIMD8<Float>, y dy: SIMD8<Float>, z dz: SIMD8<Float>,
                              into basis: UnsafeMutablePointer<Float>) {
        let norm = (dx * dx + dy * dy + dz * dz).squareRoot()
        let x = dx / norm, y = dy / norm, z = dz / norm
        @inline(__always) func put(_ j: Int, _ v: SIMD8<Float>) {
            UnsafeMutableRawPointer(basis + 8 * j).storeBytes(of: v, as: SIMD8<Float>.self)
        }
        put(1, -c1 * y); put(2, c1 * z); put(3, -c1 * x)
        guard degree >= 2 else { return }
        let xx = x * x, yy = y * y, zz = z * z
        let xy = x * y, yz = y * z, xz = x * z
        put(4, c2.0 * xy); put(5, c2.1 * yz); put(6, c2.2 * (2 * zz - xx - yy))
        put(7, c2.3 * xz); put(8, c2.4 * (xx - yy))
        guard degree >= 3 else { return }
        put(9, c3.0 * y * (3 * xx - yy)); put(10, c3.1 * xy * z); put(11, c3.2 * y * (4 * zz - xx - yy))
        put(12, c3.3 * z * (2 * zz - 3 * xx - 3 * yy)); put(13, c3.4 * x * (4 * zz - xx - yy))
        put(14, c3.5 * z * (xx - yy)); put(15, c3.6 * x * (xx - 3 * yy))
    }

    /// Colour of one Gaussian from its `count` RGB coefficient triples at `k` and its lane of the
    /// basis (`basis[8·j]` for `j ≥ 1`, from ``basis(degree:x:y:z:into:)``), `max(c + 0.5, 0)`:
    /// the terms summed in the order of the reference renderers.
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
