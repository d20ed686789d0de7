#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 3×3 matrix stored as three rows, in `Double` (joint-level maths) — small and exact enough
/// for the handful of rotations a frame needs.
package struct Matrix3: Equatable, Sendable {
    package var r0: SIMD3<Double>, r1: SIMD3<Double>, r2: SIMD3<Double>

    package init(r0: SIMD3<Double>, r1: SIMD3<Double>, r2: SIMD3<Double>) {
        self.r0 = r0; self.r1 = r1; self.r2 = r2
    }

    package static let identity = Matrix3(r0: [1, 0, 0], r1: [0, 1, 0], r2: [0, 0, 1])

    @inline(__always) package func apply(_ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((r0 * v).sum(), (r1 * v).sum(), (r2 * v).sum())
    }

    package var transposed: Matrix3 {
        Matrix3(r0: [r0.x, r1.x, r2.x], r1: [r0.y, r1.y, r2.y], r2: [r0.z, r1.z, r2.z])
    }

    package static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        let bt = b.transposed
        func row(_ r: SIMD3<Double>) -> SIMD3<Double> { SIMD3((r * bt.r0).sum(), (r * bt.r1).sum(), (r * bt.r2).sum()) }
        return Matrix3(r0: row(a.r0), r1: row(a.r1), r2: row(a.r2))
    }

    /// Element (row, column).
    package subscript(row: Int, column: Int) -> Double {
        switch row {
        case 0: return r0[column]
        case 1: return r1[column]
        default: return r2[column]
        }
    }
}

/// Rotation conversions shared by the rigs, the bindings and the drive mappings.
package enum RotationMath {
    /// FLAME's Rodrigues formula (docs/formats.md, "Evaluating the rig"): `th = |r + 1e-8|` (the epsilon is added to every
    /// component before the norm), `k = r / th`, `R = I + sin(th) K + (1 − cos(th)) K²`.
    package static func rodrigues(_ r: SIMD3<Double>) -> Matrix3 {
        let shifted = r + 1e-8
        let th = (shifted * shifted).sum().squareRoot()
        let k = r / th
        let s = sin(th), c = 1 - cos(th)
        // K = [[0,-kz,ky],[kz,0,-kx],[-ky,kx,0]];  K² = k kᵀ − I (|k| ≈ 1, but use the exact product)
        let kx = k.x, ky = k.y, kz = k.z
        let kk0 = SIMD3(-(ky * ky + kz * kz), kx * ky, kx * kz)
        let kk1 = SIMD3(kx * ky, -(kx * kx + kz * kz), ky * kz)
        let kk2 = SIMD3(kx * kz, ky * kz, -(kx * kx + ky * ky))
        return Matrix3(r0: SIMD3(1, -s * kz, s * ky) + c * kk0,
                       r1: SIMD3(s * kz, 1, -s * kx) + c * kk1,
                       r2: SIMD3(-s * ky, s * kx, 1) + c * kk2)
    }

    package static func rodrigues(_ r: SIMD3<Float>) -> Matrix3 { rodrigues(SIMD3<Double>(r)) }

    /// The axis-angle vector of a rotation matrix (angle in 0…π).
    package static func axisAngle(_ m: Matrix3) -> SIMD3<Double> {
        let q = quaternion(m)  // w ≥ 0
        let v = SIMD3(q.y, q.z, q.w)
        let s = (v * v).sum().squareRoot()
        guard s > 1e-12 else { return v * 2 }  // small angle: sin(θ/2) ≈ θ/2
        let angle = 2 * atan2(s, q.x)
        return v / s * angle
    }

    /// Unit quaternion (lanes w, x, y, z) of a rotation matrix, Shepperd's method, sign w ≥ 0.
    package static func quaternion(_ m: Matrix3) -> SIMD4<Double> {
        let m00 = m.r0.x, m11 = m.r1.y, m22 = m.r2.z
        let tr = m00 + m11 + m22
        var q: SIMD4<Double>
        if tr >= m00 && tr >= m11 && tr >= m22 {
            let s = 2 * (max(1 + tr, 0)).squareRoot()
            q = SIMD4(0.25 * s, (m.r2.y - m.r1.z) / s, (m.r0.z - m.r2.x) / s, (m.r1.x - m.r0.y) / s)
        } else if m00 >= m11 && m00 >= m22 {
            let s = 2 * (max(1 + m00 - m11 - m22, 0)).squareRoot()
            q = SIMD4((m.r2.y - m.r1.z) / s, 0.25 * s, (m.r0.y + m.r1.x) / s, (m.r0.z + m.r2.x) / s)
        } else if m11 >= m22 {
            let s = 2 * (max(1 - m00 + m11 - m22, 0)).squareRoot()
            q = SIMD4((m.r0.z - m.r2.x) / s, (m.r0.y + m.r1.x) / s, 0.25 * s, (m.r1.z + m.r2.y) / s)
        } else {
            let s = 2 * (max(1 - m00 - m11 + m22, 0)).squareRoot()
            q = SIMD4((m.r1.x - m.r0.y) / s, (m.r0.z + m.r2.x) / s, (m.r1.z + m.r2.y) / s, 0.25 * s)
        }
        q /= (q * q).sum().squareRoot()
        return q.x < 0 ? -q : q
    }

    /// Rotation about +y by `yaw`, then… composed as `R_y(yaw) · R_x(pitch) · R_z(roll)`.
    package static func matrix(yaw: Double, pitch: Double, roll: Double) -> Matrix3 {
        rodrigues(SIMD3(0, yaw, 0)) * rodrigues(SIMD3(pitch, 0, 0)) * rodrigues(SIMD3(0, 0, roll))
    }

    /// Hamilton product `a ⊗ b` of quaternions with lanes (w, x, y, z): `R(a ⊗ b) = R(a) R(b)`.
    @inline(__always)
    package static func multiply(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
        let bw = SIMD4(b.x, b.y, b.z, b.w)   // lanes: w x y z
        let bx = SIMD4(-b.y, b.x, -b.w, b.z)
        let by = SIMD4(-b.z, b.w, b.x, -b.y)
        let bz = SIMD4(-b.w, -b.z, b.y, b.x)
        return a.x * bw + a.y * bx + a.z * by + a.w * bz
    }
}
