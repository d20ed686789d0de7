/// The frame of one posed triangle (docs/formats.md, "Bound Gaussians"), laid out for
/// the per-Gaussian loop: the rotation's columns pre-multiplied by the face scale `k`, so that
/// `R_f · x · k + c = x.x · kx + x.y · ky + x.z · kz + c`.
package struct FaceFrame: Sendable {
    /// `k · a0` (lane 3 holds `k`).
    package var kx: SIMD4<Float>
    /// `k · a1` (the normal).
    package var ky: SIMD4<Float>
    /// `k · a2`.
    package var kz: SIMD4<Float>
    /// Centroid `c`.
    package var centre: SIMD4<Float>
    /// `q_f`, lanes (w, x, y, z).
    package var quaternion: SIMD4<Float>

    package init(kx: SIMD4<Float>, ky: SIMD4<Float>, kz: SIMD4<Float>, centre: SIMD4<Float>, quaternion: SIMD4<Float>) {
        self.kx = kx; self.ky = ky; self.kz = kz; self.centre = centre; self.quaternion = quaternion
    }
}
