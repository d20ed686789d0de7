import Foundation
import SplatCore
import SplatIO

/// Deterministic synthetic scenes for benchmarks and tests.
public enum SyntheticScene {
    /// A head-sized shell: `count` flat Gaussians on an ellipsoid of semi-axes
    /// 0.08 × 0.11 × 0.10 m around the origin, tangent to the surface, SH degree 3 with a
    /// view-dependent part like a trained avatar's. Seen from ~1 m it fills about two thirds of a
    /// 20° field of view, which is how a head avatar is framed.
    public static func headShell(count: Int, seed: UInt64 = 1) -> GaussianCloud {
        var rng = SplitMix64(seed: seed)
        let radii = SIMD3<Float>(0.08, 0.11, 0.10)
        let area: Float = 4 * .pi * 0.095 * 0.095
        let spacing = (area / Float(max(count, 1))).squareRoot()
        var positions = [SIMD3<Float>](), scales = [SIMD3<Float>](), rotations = [SIMD4<Float>]()
        var opacities = [Float](), sh = [Float]()
        positions.reserveCapacity(count); scales.reserveCapacity(count); rotations.reserveCapacity(count)
        opacities.reserveCapacity(count); sh.reserveCapacity(count * 48)
        for _ in 0..<count {
            // Uniform direction, pushed onto the ellipsoid.
            let u = rng.nextFloat() * 2 - 1, phi = rng.nextFloat() * 2 * .pi
            let r = (1 - u * u).squareRoot()
            let unit = SIMD3<Float>(r * cos(phi), u, r * sin(phi))
            let p = unit * radii * (1 + 0.01 * (rng.nextFloat() - 0.5))
            positions.append(p)
            // Normal of the ellipsoid; rotate z onto it.
            let n = normalise(p / (radii * radii))
            rotations.append(quaternionRotatingZ(onto: n, twist: rng.nextFloat() * 2 * .pi))
            let tangent = spacing * (0.6 + 0.8 * rng.nextFloat())
            scales.append(SIMD3(tangent, tangent * (0.5 + 0.5 * rng.nextFloat()), spacing * 0.15))
            opacities.append(0.35 + 0.65 * rng.nextFloat())
            // Skin-like base colour with variation, small higher-order terms.
            let base = SIMD3<Float>(0.80, 0.60, 0.50) * (0.7 + 0.6 * rng.nextFloat())
            let dc = (base - 0.5) / shC0
            sh += [dc.x, dc.y, dc.z]
            for _ in 1..<16 {
                sh += [0.05 * (rng.nextFloat() - 0.5), 0.05 * (rng.nextFloat() - 0.5), 0.05 * (rng.nextFloat() - 0.5)]
            }
        }
        return GaussianCloud(positions: positions, scales: scales, rotations: rotations,
                             opacities: opacities, sh: sh, shDegree: 3)
    }

    /// The camera the head benchmarks use: 1 m in front of the head (+z), 20° vertical field of view.
    public static func headCamera(width: Int, height: Int) throws -> Camera {
        try Camera.lookAt(eye: [0, 0, 1], target: [0, 0, 0], up: [0, 1, 0], fovY: 20, width: width, height: height)
    }

    private static func normalise(_ v: SIMD3<Float>) -> SIMD3<Float> { v / (v * v).sum().squareRoot() }

    /// A unit quaternion (w, x, y, z) turning +z onto `n`, after a twist about z.
    private static func quaternionRotatingZ(onto n: SIMD3<Float>, twist: Float) -> SIMD4<Float> {
        let twistQ = SIMD4<Float>(cos(twist / 2), 0, 0, sin(twist / 2))
        // Shortest arc from z to n.
        let d = n.z
        var q: SIMD4<Float>
        if d < -0.9999 {
            q = SIMD4(0, 1, 0, 0)
        } else {
            let axis = SIMD3<Float>(-n.y, n.x, 0)  // z × n
            q = SIMD4(1 + d, axis.x, axis.y, axis.z)
            q /= (q * q).sum().squareRoot()
        }
        return hamilton(q, twistQ)
    }

    private static func hamilton(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
        SIMD4(a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
              a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
              a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
              a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0])
    }
}
