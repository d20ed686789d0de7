/// The frame of one posed triangle (flame.md, "Per-frame Gaussian transform"), laid out for
/// the per-Gaussian loop: the rotation's columns pre-multiplied by the face scale `k`, so that
/// `R_f · x · k + c = x.x · kx + x.y · ky + x.z · kz + c`.
struct FaceFrame {
    /// `k · a0` (lane 3 holds `k`).
    var kx: SIMD4<Float>
    /// `k · a1` (the normal).
    var ky: SIMD4<Float>
    /// `k · a2`.
    var kz: SIMD4<Float>
    /// Centroid `c`.
    var centre: SIMD4<Float>
    /// `q_f`, lanes (w, x, y, z).
    var quaternion: SIMD4<Float>
}
