import Foundation

/// The antimatter15 `.splat` format: 32 bytes per Gaussian, no header.
///
/// Each record holds position 3×f32, scale 3×f32 (activated), RGBA 4×u8 with
/// `rgb = 0.5 + C0·f_dc` and `a = opacity`, and rotation 4×u8 `(w, x, y, z)` stored as
/// `q·128 + 128`. Only the DC colour survives: reading gives SH degree 0; writing drops the higher
/// coefficients and the bindings.
public enum SplatFile {
    /// Bytes per Gaussian.
    public static let recordSize = 32

    /// Names of the six float fields of a record, for errors.
    private static let fieldNames = ["x", "y", "z", "scale_0", "scale_1", "scale_2"]

    /// Reads the `.splat` file at `url`.
    /// - Throws: ``SplatIOError`` naming the file and the problem.
    public static func read(contentsOf url: URL) throws -> GaussianCloud {
        let data = try FileAccess.read(url)
        return try read(data, path: url.path)
    }

    /// Reads `.splat` data held in memory; `path` names it in errors.
    ///
    /// Decoding: `f_dc = (rgb/255 − 0.5)/C0`, `opacity = a/255`, rotation `(b − 128)/128`
    /// normalised. Fails if the size is not a multiple of 32, a position or scale is not finite or
    /// absurd (``maximumCoordinate``, ``maximumScale``), a scale is negative, a rotation is all
    /// 128s (zero length), or every Gaussian has zero size.
    public static func read(_ data: Data, path: String = "<data>") throws -> GaussianCloud {
        guard data.count % recordSize == 0 else {
            throw SplatIOError(path: path, reason: .invalidSize(
                "\(data.count) bytes is not a multiple of the \(recordSize)-byte .splat record"))
        }
        let n = data.count / recordSize
        var positions = [SIMD3<Float>](repeating: .zero, count: n)
        var scales = [SIMD3<Float>](repeating: .zero, count: n)
        var rotations = [SIMD4<Float>](repeating: .zero, count: n)
        var opacities = [Float](repeating: 0, count: n)
        var sh = [Float](repeating: 0, count: n * 3)
        let names = fieldNames

        var sized = 0
        try data.withUnsafeBytes { raw in
            guard n > 0, let base = raw.baseAddress else { return }
            for g in 0..<n {
                let r = base + g * recordSize
                var v = SIMD8<Float>()
                for i in 0..<6 {
                    v[i] = Float(bitPattern: UInt32(littleEndian: r.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    guard v[i].isFinite else {
                        throw SplatIOError(path: path, reason: .nonFiniteValue(gaussian: g, property: names[i]))
                    }
                }
                for i in 3..<6 where v[i] < 0 || v[i] > maximumScale {
                    throw SplatIOError(path: path, reason: .invalidValue(
                        gaussian: g, property: names[i], detail: v[i] < 0 ? "negative scale \(v[i])" : "scale \(v[i]) m is absurd (more than \(Int(maximumScale)) m)"))
                }
                for i in 0..<3 where abs(v[i]) > maximumCoordinate {
                    throw SplatIOError(path: path, reason: .invalidValue(
                        gaussian: g, property: names[i], detail: "position \(v[i]) m is absurd (more than \(Int(maximumCoordinate)) m from the origin)"))
                }
                if v[3] + v[4] + v[5] > 0 { sized += 1 }
                positions[g] = SIMD3(v[0], v[1], v[2])
                scales[g] = SIMD3(v[3], v[4], v[5])
                for c in 0..<3 {
                    let byte = Float(r.load(fromByteOffset: 24 + c, as: UInt8.self))
                    sh[g * 3 + c] = (byte / 255 - 0.5) / shC0
                }
                opacities[g] = Float(r.load(fromByteOffset: 27, as: UInt8.self)) / 255
                var q = SIMD4<Float>()
                for i in 0..<4 { q[i] = (Float(r.load(fromByteOffset: 28 + i, as: UInt8.self)) - 128) / 128 }
                guard let unit = PLYReader.normalizedQuaternion(q[0], q[1], q[2], q[3]) else {
                    throw SplatIOError(path: path, reason: .invalidValue(
                        gaussian: g, property: "rotation", detail: "quaternion has zero length"))
                }
                rotations[g] = unit
            }
        }
        // No integrity check is possible for .splat, but a file of only zero-sized Gaussians
        // is not a scene (random or zeroed bytes often decode to one).
        guard n == 0 || sized > 0 else {
            throw SplatIOError(path: path, reason: .invalidValue(gaussian: 0, property: "scale_0", detail: "every Gaussian has zero size: not a .splat scene"))
        }
        return GaussianCloud(positions: positions, scales: scales, rotations: rotations,
                             opacities: opacities, sh: sh, shDegree: 0)
    }

    /// Largest scale accepted, metres: a splat scene is at most a few kilometres across.
    public static let maximumScale: Float = 10_000
    /// Largest coordinate accepted, metres.
    public static let maximumCoordinate: Float = 1_000_000

    /// The `.splat` bytes of `cloud`, in the cloud's order (viewers sort by depth themselves).
    ///
    /// Colour, opacity and rotation bytes are rounded to nearest and clamped to 0…255; rotations
    /// are normalised before quantising.
    /// - Throws: ``SplatIOError`` (with path `path`) if a value is NaN or infinite or a quaternion is zero.
    public static func data(for cloud: GaussianCloud, path: String = "<data>") throws -> Data {
        let n = cloud.count
        let k = cloud.coefficientsPerChannel
        var bytes = [UInt8](repeating: 0, count: n * recordSize)
        @inline(__always) func quantise(_ x: Float) -> UInt8 { UInt8(min(max(x.rounded(), 0), 255)) }

        try bytes.withUnsafeMutableBytes { raw in
            guard n > 0, let base = raw.baseAddress else { return }
            for g in 0..<n {
                let r = base + g * recordSize
                let p = cloud.positions[g], s = cloud.scales[g]
                let values = SIMD8<Float>(p.x, p.y, p.z, s.x, s.y, s.z, 0, 0)
                let names = fieldNames
                for i in 0..<6 {
                    guard values[i].isFinite else {
                        throw SplatIOError(path: path, reason: .nonFiniteValue(gaussian: g, property: names[i]))
                    }
                    r.storeBytes(of: values[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                }
                for c in 0..<3 {
                    let dc = cloud.sh[g * k * 3 + c]
                    guard dc.isFinite else {
                        throw SplatIOError(path: path, reason: .nonFiniteValue(gaussian: g, property: "f_dc_\(c)"))
                    }
                    r.storeBytes(of: quantise((0.5 + shC0 * dc) * 255), toByteOffset: 24 + c, as: UInt8.self)
                }
                let opacity = cloud.opacities[g]
                guard opacity.isFinite else {
                    throw SplatIOError(path: path, reason: .nonFiniteValue(gaussian: g, property: "opacity"))
                }
                r.storeBytes(of: quantise(opacity * 255), toByteOffset: 27, as: UInt8.self)
                let q = cloud.rotations[g]
                guard let unit = PLYReader.normalizedQuaternion(q[0], q[1], q[2], q[3]) else {
                    throw SplatIOError(path: path, reason: .invalidValue(
                        gaussian: g, property: "rotation", detail: "quaternion is zero or not finite"))
                }
                for i in 0..<4 {
                    r.storeBytes(of: quantise(unit[i] * 128 + 128), toByteOffset: 28 + i, as: UInt8.self)
                }
            }
        }
        return Data(bytes)
    }

    /// Writes `cloud` to `url` (atomically); see ``data(for:path:)``.
    public static func write(_ cloud: GaussianCloud, to url: URL) throws {
        let data = try data(for: cloud, path: url.path)
        try FileAccess.write(data, to: url)
    }
}
