import Foundation

/// Deterministic 3D value noise (hashed lattice, smooth trilinear interpolation), in −1…1.
/// Used for the demo avatar's subtle skin texture and hair variation.
struct ValueNoise: Sendable {
    let seed: UInt64

    @inline(__always)
    private func lattice(_ x: Int32, _ y: Int32, _ z: Int32) -> Float {
        var h = seed &+ UInt64(bitPattern: Int64(x)) &* 0x9E37_79B9_7F4A_7C15
        h ^= UInt64(bitPattern: Int64(y)) &* 0xC2B2_AE3D_27D4_EB4F
        h ^= UInt64(bitPattern: Int64(z)) &* 0x1656_67B1_9E37_79F9
        h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 29
        return Float(h >> 40) * (2 / Float(1 << 24)) - 1
    }

    /// Noise at `p` with features about `1 / frequency` apart.
    func value(_ p: SIMD3<Float>, frequency: Float) -> Float {
        let q = p * frequency
        let f = SIMD3<Float>(Foundation.floor(q.x), Foundation.floor(q.y), Foundation.floor(q.z))
        let t = q - f
        let s = t * t * (3 - 2 * t)
        let x = Int32(f.x), y = Int32(f.y), z = Int32(f.z)
        func mix(_ a: Float, _ b: Float, _ u: Float) -> Float { a + (b - a) * u }
        let c00 = mix(lattice(x, y, z), lattice(x + 1, y, z), s.x)
        let c10 = mix(lattice(x, y + 1, z), lattice(x + 1, y + 1, z), s.x)
        let c01 = mix(lattice(x, y, z + 1), lattice(x + 1, y, z + 1), s.x)
        let c11 = mix(lattice(x, y + 1, z + 1), lattice(x + 1, y + 1, z + 1), s.x)
        return mix(mix(c00, c10, s.y), mix(c01, c11, s.y), s.z)
    }
}
