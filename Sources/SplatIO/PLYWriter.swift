import Foundation

/// Writes a ``GaussianCloud`` as a standard INRIA 3DGS PLY (`binary_little_endian 1.0`).
///
/// Properties, all `float`: `x y z nx ny nz f_dc_0..2 f_rest_0..(3·((d+1)²−1)−1) opacity
/// scale_0..2 rot_0..3`, then `binding_0` when the cloud has bindings (GaussianAvatars' layout:
/// a float holding the triangle index). Values are written pre-activation: `logit(opacity)`,
/// `log(scale)`, the quaternion as stored, `f_rest` channel-major. Normals are zeros.
///
/// Reading the result back with ``PLYReader`` gives the same cloud up to float rounding, except
/// that opacities are clamped to `1e-6…1 − 1e-6` by ``logit(_:)`` and scales to at least
/// `Float.leastNormalMagnitude` so their logarithm is finite.
public enum PLYWriter {
    /// The file's bytes.
    ///
    /// - Parameter includeNormals: write the unused `nx ny nz` properties, as INRIA's code does.
    /// - Throws: ``SplatIOError`` (with path `path`) if a value is NaN or infinite, a scale is
    ///   negative, a quaternion is zero, or a binding cannot be held exactly by a float.
    public static func data(for cloud: GaussianCloud, includeNormals: Bool = true, path: String = "<data>") throws -> Data {
        let k = cloud.coefficientsPerChannel
        var properties: [PLYHeader.Property] = []
        func add(_ name: String) { properties.append(PLYHeader.Property(name: name, type: .float32)) }
        ["x", "y", "z"].forEach(add)
        if includeNormals { ["nx", "ny", "nz"].forEach(add) }
        ["f_dc_0", "f_dc_1", "f_dc_2"].forEach(add)
        for i in 0..<(3 * (k - 1)) { add("f_rest_\(i)") }
        ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"].forEach(add)
        if cloud.bindings != nil { add("binding_0") }

        let header = PLYHeader(comments: ["written by splatd SplatIO"],
                               elements: [PLYHeader.Element(name: "vertex", count: cloud.count, properties: properties)])
        let headerText = Array(header.serialized().utf8)
        let fields = properties.count
        let rowSize = fields * 4
        let n = cloud.count

        var bytes = [UInt8](repeating: 0, count: headerText.count + n * rowSize)
        bytes.replaceSubrange(0..<headerText.count, with: headerText)

        func fail(_ g: Int, _ property: String, _ detail: String? = nil) -> SplatIOError {
            SplatIOError(path: path, reason: detail.map { .invalidValue(gaussian: g, property: property, detail: $0) }
                ?? .nonFiniteValue(gaussian: g, property: property))
        }

        try bytes.withUnsafeMutableBytes { raw in
            var p = raw.baseAddress! + headerText.count
            @inline(__always) func put(_ value: Float) {
                p.storeBytes(of: value.bitPattern.littleEndian, as: UInt32.self)
                p += 4
            }
            for g in 0..<n {
                let pos = cloud.positions[g]
                if !pos.x.isFinite { throw fail(g, "x") }
                if !pos.y.isFinite { throw fail(g, "y") }
                if !pos.z.isFinite { throw fail(g, "z") }
                put(pos.x); put(pos.y); put(pos.z)
                if includeNormals { put(0); put(0); put(0) }
                let base = g * k * 3
                for c in 0..<3 {
                    let v = cloud.sh[base + c]
                    guard v.isFinite else { throw fail(g, "f_dc_\(c)") }
                    put(v)
                }
                for c in 0..<3 {
                    for coefficient in 1..<k {
                        let v = cloud.sh[base + coefficient * 3 + c]
                        guard v.isFinite else { throw fail(g, "f_rest_\(c * (k - 1) + coefficient - 1)") }
                        put(v)
                    }
                }
                let opacity = cloud.opacities[g]
                guard opacity.isFinite else { throw fail(g, "opacity") }
                put(logit(opacity))
                let s = cloud.scales[g]
                for axis in 0..<3 {
                    guard s[axis].isFinite else { throw fail(g, "scale_\(axis)") }
                    guard s[axis] >= 0 else { throw fail(g, "scale_\(axis)", "negative scale \(s[axis])") }
                    put(Foundation.log(max(s[axis], Float.leastNormalMagnitude)))
                }
                let q = cloud.rotations[g]
                for lane in 0..<4 where !q[lane].isFinite { throw fail(g, "rot_\(lane)") }
                guard q != .zero else { throw fail(g, "rot_0..3", "quaternion has zero length") }
                put(q[0]); put(q[1]); put(q[2]); put(q[3])
                if let bindings = cloud.bindings {
                    let b = bindings[g]
                    guard abs(Int(b)) <= 1 << 24 else {
                        throw fail(g, "binding_0", "\(b) cannot be stored exactly in a float")
                    }
                    put(Float(b))
                }
            }
        }
        return Data(bytes)
    }

    /// Writes `cloud` to `url` (atomically) in the INRIA layout; see ``data(for:includeNormals:path:)``.
    public static func write(_ cloud: GaussianCloud, to url: URL, includeNormals: Bool = true) throws {
        let data = try data(for: cloud, includeNormals: includeNormals, path: url.path)
        try FileAccess.write(data, to: url)
    }
}
