import Foundation
import SplatCore
import SplatIO

/// A random but well-formed FLAME-sized model (no FLAME data), for benchmarks and tests: a
/// head-sized UV sphere of about FLAME's vertex count with 300 shape and 100 expression
/// components, 36 pose correctives, a sparse joint regressor and smooth skinning weights; plus
/// GaussianAvatars-style avatars bound to it.
public enum SyntheticFLAME {
    /// The rig's arrays in the rig file's layout, ready for ``FLAMERig`` or an npz.
    public struct Arrays: Sendable {
        /// `v_template` (V × 3), `faces` (F × 3), `shapedirs` (V × 3 × S), `exprdirs` (V × 3 × E),
        /// `posedirs` (V × 3 × 36), C order, as in the rig file.
        public var template: [Float], faces: [Int32], shapedirs: [Float], exprdirs: [Float], posedirs: [Float]
        /// `J_regressor` (5 × V), `lbs_weights` (V × 5), `parents` (5).
        public var jointRegressor: [Float], lbsWeights: [Float], parents: [Int32]
        /// V, S and E.
        public var vertexCount: Int, shapeCount: Int, expressionCount: Int

        /// The rig.
        public func rig(path: String = "synthetic FLAME") throws -> FLAMERig {
            try FLAMERig(path: path, template: template, faces: faces, shapedirs: shapedirs, shapeCount: shapeCount,
                         exprdirs: exprdirs, expressionCount: expressionCount, posedirs: posedirs,
                         jointRegressor: jointRegressor, lbsWeights: lbsWeights, parents: parents)
        }

        /// A splatd FLAME rig file (npz) holding these arrays.
        public func npz() throws -> Data {
            let V = vertexCount
            var writer = NPZWriter()
            writer.add("format", NPYArray(shape: [FLAMERig.formatTag.utf8.count], uint8s: Array(FLAMERig.formatTag.utf8)))
            writer.add("v_template", NPYArray(shape: [V, 3], floats: template))
            writer.add("faces", NPYArray(shape: [faces.count / 3, 3], int32s: faces))
            writer.add("shapedirs", NPYArray(shape: [V, 3, shapeCount], floats: shapedirs))
            writer.add("exprdirs", NPYArray(shape: [V, 3, expressionCount], floats: exprdirs))
            writer.add("posedirs", NPYArray(shape: [V, 3, 36], floats: posedirs))
            writer.add("J_regressor", NPYArray(shape: [5, V], floats: jointRegressor))
            writer.add("lbs_weights", NPYArray(shape: [V, 5], floats: lbsWeights))
            writer.add("parents", NPYArray(shape: [5], int32s: parents))
            return try writer.data()
        }
    }

    /// A FLAME-sized model: `rings × segments + 2` vertices (default 57 × 90 + 2 = 5132, about
    /// FLAME-with-teeth's 5143) and `2 rings × segments` triangles.
    public static func arrays(rings: Int = 57, segments: Int = 90, shapeCount: Int = 300, expressionCount: Int = 100,
                              seed: UInt64 = 7) -> Arrays {
        var rng = SplitMix64(seed: seed)
        var template: [Float] = []
        func add(_ p: SIMD3<Float>) { template += [p.x, p.y, p.z] }
        let radii = SIMD3<Float>(0.075, 0.1, 0.088)
        add(SIMD3(0, radii.y + 0.02, 0))
        for i in 1...rings {
            let theta = Float.pi * Float(i) / Float(rings + 1)
            for j in 0..<segments {
                let phi = 2 * Float.pi * Float(j) / Float(segments)
                add(SIMD3(sin(theta) * sin(phi), cos(theta), sin(theta) * cos(phi)) * radii + SIMD3(0, 0.02, 0))
            }
        }
        add(SIMD3(0, -radii.y + 0.02, 0))
        let V = template.count / 3
        func ring(_ i: Int, _ j: Int) -> Int32 { Int32(1 + i * segments + (j % segments)) }
        var faces: [Int32] = []
        for j in 0..<segments { faces += [0, ring(0, j), ring(0, j + 1)] }
        for i in 0..<(rings - 1) {
            for j in 0..<segments {
                faces += [ring(i, j), ring(i + 1, j), ring(i, j + 1), ring(i, j + 1), ring(i + 1, j), ring(i + 1, j + 1)]
            }
        }
        for j in 0..<segments { faces += [ring(rings - 1, j), Int32(V - 1), ring(rings - 1, j + 1)] }

        func noise(_ count: Int, _ rms: Float) -> [Float] { (0..<count).map { _ in rng.normal() * rms } }
        let shapedirs = noise(V * 3 * shapeCount, 0.0015)
        let exprdirs = noise(V * 3 * expressionCount, 0.001)
        let posedirs = noise(V * 3 * 36, 0.002)

        // Joints: root from the lowest ring, neck above it, jaw at the front-bottom, eyes in front.
        var regressor = [Float](repeating: 0, count: 5 * V)
        func p(_ v: Int) -> SIMD3<Float> { SIMD3(template[3 * v], template[3 * v + 1], template[3 * v + 2]) }
        let groups: [[Int]] = [
            Array((V - 1 - segments)..<V),
            Array((V - 1 - 3 * segments)..<(V - 1 - segments)),
            (0..<V).filter { p($0).y < -0.03 && p($0).y > -0.06 && p($0).z > 0.03 },
            Array((0..<V).sorted { simd_distance(p($0), [0.03, 0.045, 0.08]) < simd_distance(p($1), [0.03, 0.045, 0.08]) }.prefix(6)),
            Array((0..<V).sorted { simd_distance(p($0), [-0.03, 0.045, 0.08]) < simd_distance(p($1), [-0.03, 0.045, 0.08]) }.prefix(6)),
        ]
        for (j, group) in groups.enumerated() {
            for v in group { regressor[j * V + v] = 1 / Float(group.count) }
        }
        var weights = [Float](repeating: 0, count: 5 * V)
        for v in 0..<V {
            let q = p(v)
            let yn = (q.y + 0.08) / 0.2
            var w: [Float] = [3 / (1 + exp((yn - 0.12) / 0.03)), 1,
                              3 / (1 + exp((yn - 0.42) / 0.04)) * (q.z > 0.02 ? 1 : 0),
                              4 * exp(-simd_distance_squared(q, [0.03, 0.045, 0.08]) / 0.0004),
                              4 * exp(-simd_distance_squared(q, [-0.03, 0.045, 0.08]) / 0.0004)]
            let sum = w.reduce(0, +)
            for j in 0..<5 { w[j] /= sum }
            for j in 0..<5 { weights[v * 5 + j] = w[j] }
        }
        return Arrays(template: template, faces: faces, shapedirs: shapedirs, exprdirs: exprdirs, posedirs: posedirs,
                      jointRegressor: regressor, lbsWeights: weights, parents: [-1, 0, 1, 1, 1],
                      vertexCount: V, shapeCount: shapeCount, expressionCount: expressionCount)
    }

    /// A GaussianAvatars-style point cloud (`binding_0`, local positions, log-scales as
    /// activated scales, SH degree `shDegree`) of `count` Gaussians bound to `faceCount` triangles.
    public static func gaussians(count: Int, faceCount: Int, shDegree: Int = 3, seed: UInt64 = 17) -> GaussianCloud {
        var rng = SplitMix64(seed: seed)
        let k = (shDegree + 1) * (shDegree + 1) * 3
        var positions = [SIMD3<Float>](), scales = [SIMD3<Float>](), rotations = [SIMD4<Float>]()
        var opacities = [Float](), sh = [Float](), bindings = [Int32]()
        positions.reserveCapacity(count); scales.reserveCapacity(count); rotations.reserveCapacity(count)
        opacities.reserveCapacity(count); sh.reserveCapacity(count * k); bindings.reserveCapacity(count)
        for g in 0..<count {
            // Trained avatars keep Gaussians grouped by triangle (densification clones in place).
            bindings.append(Int32(g * faceCount / count))
            positions.append(SIMD3(rng.normal(), rng.normal(), rng.normal()) * 0.3)
            scales.append(SIMD3(rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.02, 0.1)))
            var q = SIMD4(rng.normal(), rng.normal(), rng.normal(), rng.normal())
            q /= max((q * q).sum().squareRoot(), 1e-6)
            rotations.append(q)
            opacities.append(rng.uniform(0.3, 1))
            for c in 0..<k { sh.append(c < 3 ? rng.uniform(-1, 1) : 0.05 * rng.normal()) }
        }
        return GaussianCloud(positions: positions, scales: scales, rotations: rotations, opacities: opacities,
                             sh: sh, shDegree: shDegree, bindings: bindings)
    }

    /// A `flame_param.npz` (GaussianAvatars keys) with a random identity and `frames` frames of
    /// plausible motion, for a rig of `vertexCount` vertices.
    public static func flameParam(vertexCount: Int, shapeCount: Int = 300, expressionCount: Int = 100, frames: Int = 8,
                                  seed: UInt64 = 23) throws -> Data {
        var rng = SplitMix64(seed: seed)
        var writer = NPZWriter()
        writer.add("shape", NPYArray(shape: [shapeCount], floats: (0..<shapeCount).map { _ in rng.normal() }))
        writer.add("expr", NPYArray(shape: [frames, expressionCount], floats: (0..<(frames * expressionCount)).map { _ in 0.7 * rng.normal() }))
        for key in ["rotation", "neck_pose", "jaw_pose", "translation"] {
            writer.add(key, NPYArray(shape: [frames, 3], floats: (0..<(3 * frames)).map { _ in 0.1 * rng.normal() }))
        }
        writer.add("eyes_pose", NPYArray(shape: [frames, 6], floats: (0..<(6 * frames)).map { _ in 0.1 * rng.normal() }))
        writer.add("static_offset", NPYArray(shape: [1, vertexCount, 3], floats: (0..<(3 * vertexCount)).map { _ in 0.0005 * rng.normal() }))
        writer.add("dynamic_offset", NPYArray(shape: [frames, vertexCount, 3], floats: [Float](repeating: 0, count: frames * vertexCount * 3)))
        return try writer.data()
    }

    private static func simd_distance(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { simd_distance_squared(a, b).squareRoot() }
    private static func simd_distance_squared(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { ((a - b) * (a - b)).sum() }
}
