import Foundation

/// Reads 3D Gaussian-splatting PLY files (the INRIA layout, and GaussianAvatars' variant with
/// `binding_0`) into a ``GaussianCloud`` with activated values.
///
/// The header decides everything: property order, SH degree (0, 9, 24 or 45 `f_rest_*`
/// properties → degree 0…3), and which extra properties to skip (normals or anything else,
/// by their declared sizes). Only `binary_little_endian 1.0` is read. Elements declared before
/// `vertex` must have fixed-size rows and are skipped; elements after it are ignored.
///
/// Activations: `opacity ← sigmoid(opacity)`, `scale ← exp(scale)`, rotation `(rot_0…rot_3) =
/// (w, x, y, z)` normalised. `f_rest` is stored channel-major (all red coefficients, then green,
/// then blue) and is rearranged into ``GaussianCloud/sh``'s (Gaussian, coefficient, channel) order.
///
/// Required properties (`x y z f_dc_0..2 opacity scale_0..2 rot_0..3`, and `f_rest_*`) must be
/// `float`/`float32` or `double`/`float64`; `binding_0` may be any scalar type but must hold an
/// integer in `Int32` range. Every value read must be finite.
public enum PLYReader {
    /// Names of the properties every 3DGS PLY must have (besides `f_rest_*`), in canonical order.
    public static let requiredProperties = [
        "x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity",
        "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3",
    ]

    /// Reads the PLY file at `url`.
    /// - Throws: ``SplatIOError`` naming the file and the problem.
    public static func read(contentsOf url: URL) throws -> GaussianCloud {
        let data = try FileAccess.read(url)
        return try read(data, path: url.path)
    }

    /// Reads a PLY file held in memory; `path` names it in errors.
    public static func read(_ data: Data, path: String = "<data>") throws -> GaussianCloud {
        try data.withUnsafeBytes { try read($0, path: path) }
    }

    /// Reads a PLY file from raw bytes; `path` names it in errors.
    public static func read(_ bytes: UnsafeRawBufferPointer, path: String) throws -> GaussianCloud {
        func fail(_ reason: SplatIOError.Reason) -> SplatIOError { SplatIOError(path: path, reason: reason) }

        guard !bytes.isEmpty else { throw fail(.truncated("empty file")) }
        let header = try PLYHeader.parse(bytes, path: path)
        switch header.format {
        case "binary_little_endian": break
        case "ascii": throw fail(.unsupportedPLYFormat("ASCII PLY; only binary_little_endian is read"))
        case "binary_big_endian": throw fail(.unsupportedPLYFormat("big-endian PLY; only binary_little_endian is read"))
        default: throw fail(.unsupportedPLYFormat("format \(header.format)"))
        }
        guard header.version == "1.0" else {
            throw fail(.unsupportedPLYFormat("format version \(header.version); only 1.0 is read"))
        }
        guard let vertexIndex = header.elements.firstIndex(where: { $0.name == "vertex" }) else {
            throw fail(.malformedHeader("no 'vertex' element"))
        }

        // Skip fixed-size elements declared before the vertices.
        var offset = header.byteCount
        for element in header.elements[..<vertexIndex] {
            guard let rowSize = element.rowSize else {
                throw fail(.unsupportedPLYFormat("element '\(element.name)' before 'vertex' has a list property"))
            }
            let (size, overflow) = element.count.multipliedReportingOverflow(by: rowSize)
            let available = bytes.count - offset
            guard !overflow, size <= available else {
                throw fail(.truncated("header declares \(element.count) '\(element.name)' elements × \(rowSize) bytes "
                    + "before the vertices but only \(available) bytes follow the header"))
            }
            offset += size
        }

        let vertex = header.elements[vertexIndex]
        guard let rowSize = vertex.rowSize else {
            let name = vertex.properties.first { $0.scalarType == nil }?.name ?? "?"
            throw fail(.unsupportedPLYFormat("vertex property '\(name)' is a list"))
        }
        let layout = try Layout(vertex: vertex, path: path)
        let n = vertex.count
        let available = bytes.count - offset
        let (bodySize, overflow) = n.multipliedReportingOverflow(by: rowSize)
        guard !overflow, bodySize <= available else {
            throw fail(.truncated("header declares \(n) vertices × \(rowSize) bytes but only \(available) bytes follow"))
        }
        guard n > 0 else { return GaussianCloud(shDegree: layout.shDegree) }

        return try decode(bytes.baseAddress! + offset, count: n, rowSize: rowSize, layout: layout, path: path)
    }

    /// Where each Gaussian field lives within a vertex row.
    private struct Layout {
        /// Offsets and types of the float fields in the order x y z, opacity, scale_0..2,
        /// rot_0..3, then the SH coefficients in destination order (coefficient-major, channel-minor).
        var offsets: [Int] = []
        var types: [PLYScalarType] = []
        var names: [String] = []
        var shDegree = 0
        var binding: (offset: Int, type: PLYScalarType)?

        init(vertex: PLYHeader.Element, path: String) throws {
            func fail(_ reason: SplatIOError.Reason) -> SplatIOError { SplatIOError(path: path, reason: reason) }

            var byName: [String: (offset: Int, type: PLYScalarType?)] = [:]
            var restIndices: [Int] = []
            var offset = 0
            for p in vertex.properties {
                byName[p.name] = (offset, p.scalarType)
                offset += p.scalarType?.byteSize ?? 0
                if p.name.hasPrefix("f_rest_"), let k = Int(p.name.dropFirst("f_rest_".count)), k >= 0 {
                    restIndices.append(k)
                }
            }

            let restCount = restIndices.count
            let degree: Int
            switch restCount {
            case 0: degree = 0
            case 9: degree = 1
            case 24: degree = 2
            case 45: degree = 3
            default: throw fail(.unsupportedSHCoefficientCount(restCount))
            }
            shDegree = degree
            let k = (degree + 1) * (degree + 1)

            var wanted = ["x", "y", "z", "opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]
            for coefficient in 0..<k {
                for channel in 0..<3 {
                    wanted.append(coefficient == 0 ? "f_dc_\(channel)" : "f_rest_\(channel * (k - 1) + coefficient - 1)")
                }
            }

            let required = PLYReader.requiredProperties + (0..<restCount).map { "f_rest_\($0)" }
            let missing = required.filter { byName[$0] == nil }
            guard missing.isEmpty else { throw fail(.missingProperties(missing)) }

            for name in required {
                let entry = byName[name]!
                guard let type = entry.type, type.isFloatingPoint else {
                    throw fail(.wrongPropertyType(property: name, type: entry.type.map(\.plyName) ?? "list"))
                }
            }
            for name in wanted {
                let entry = byName[name]!
                offsets.append(entry.offset)
                types.append(entry.type!)
                names.append(name)
            }
            if let b = byName["binding_0"] {
                guard let type = b.type else { throw fail(.wrongPropertyType(property: "binding_0", type: "list")) }
                binding = (b.offset, type)
            }
        }
    }

    private static func decode(_ body: UnsafeRawPointer, count n: Int, rowSize: Int, layout: Layout,
                               path: String) throws -> GaussianCloud {
        let fieldCount = layout.offsets.count
        let shCount = fieldCount - 11
        let allFloat32 = layout.types.allSatisfy { $0 == .float32 }

        var positions = [SIMD3<Float>](repeating: .zero, count: n)
        var scales = [SIMD3<Float>](repeating: .zero, count: n)
        var rotations = [SIMD4<Float>](repeating: .zero, count: n)
        var opacities = [Float](repeating: 0, count: n)
        var sh = [Float](repeating: 0, count: n * shCount)
        var bindings: [Int32]? = layout.binding == nil ? nil : [Int32](repeating: 0, count: n)

        let offsets = layout.offsets, types = layout.types
        try sh.withUnsafeMutableBufferPointer { shOut in
            try withUnsafeTemporaryAllocation(of: Float.self, capacity: fieldCount) { v in
                for g in 0..<n {
                    let row = body + g * rowSize
                    if allFloat32 {
                        for f in 0..<fieldCount {
                            let bits = row.loadUnaligned(fromByteOffset: offsets[f], as: UInt32.self)
                            v[f] = Float(bitPattern: UInt32(littleEndian: bits))
                        }
                    } else {
                        for f in 0..<fieldCount { v[f] = types[f].loadFloat(row, offsets[f]) }
                    }
                    for f in 0..<fieldCount where !v[f].isFinite {
                        throw SplatIOError(path: path, reason: .nonFiniteValue(gaussian: g, property: layout.names[f]))
                    }

                    positions[g] = SIMD3(v[0], v[1], v[2])
                    opacities[g] = sigmoid(v[3])
                    let s = SIMD3(Foundation.exp(v[4]), Foundation.exp(v[5]), Foundation.exp(v[6]))
                    if !(s.x.isFinite && s.y.isFinite && s.z.isFinite) {
                        let axis = !s.x.isFinite ? 0 : (!s.y.isFinite ? 1 : 2)
                        throw SplatIOError(path: path, reason: .invalidValue(
                            gaussian: g, property: "scale_\(axis)", detail: "exp(\(v[4 + axis])) overflows Float"))
                    }
                    scales[g] = s
                    guard let q = normalizedQuaternion(v[7], v[8], v[9], v[10]) else {
                        throw SplatIOError(path: path, reason: .invalidValue(
                            gaussian: g, property: "rot_0..3", detail: "quaternion has zero length"))
                    }
                    rotations[g] = q

                    let out = shOut.baseAddress! + g * shCount
                    for c in 0..<shCount { out[c] = v[11 + c] }

                    if let binding = layout.binding {
                        let value = binding.type.loadDouble(row, binding.offset)
                        guard value.isFinite else {
                            throw SplatIOError(path: path, reason: .nonFiniteValue(gaussian: g, property: "binding_0"))
                        }
                        guard value == value.rounded(), value >= Double(Int32.min), value <= Double(Int32.max) else {
                            throw SplatIOError(path: path, reason: .invalidValue(
                                gaussian: g, property: "binding_0", detail: "\(value) is not an integer triangle index"))
                        }
                        bindings![g] = Int32(value)
                    }
                }
            }
        }

        return GaussianCloud(positions: positions, scales: scales, rotations: rotations, opacities: opacities,
                             sh: sh, shDegree: layout.shDegree, bindings: bindings)
    }

    /// `(w, x, y, z)` divided by its length (computed in `Double`), or `nil` for a zero quaternion.
    @inline(__always)
    static func normalizedQuaternion(_ w: Float, _ x: Float, _ y: Float, _ z: Float) -> SIMD4<Float>? {
        let q = SIMD4<Double>(Double(w), Double(x), Double(y), Double(z))
        let length = (q * q).sum().squareRoot()
        guard length > 0, length.isFinite else { return nil }
        return SIMD4<Float>(q / length)
    }
}
