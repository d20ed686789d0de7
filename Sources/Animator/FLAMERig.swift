import AnimatorKernels
import Foundation
import SplatCore
import SplatIO

/// A FLAME-structured linear-blend-skinning rig, loaded from a splatd FLAME rig file
/// (`splatd-flame-rig/1` npz, written by `clients/python/flame_to_npz.py` from the user's own
/// FLAME model; splatd ships no FLAME data).
///
/// File keys (all little-endian, C order; V vertices, F triangles, S ≤ 300 shape and
/// E ≤ 100 expression components):
///
/// | key | dtype | shape |
/// |---|---|---|
/// | `format` | `\|u1` | the ASCII bytes `splatd-flame-rig/1` |
/// | `v_template` | `<f4` | (V, 3) |
/// | `faces` | `<i4` | (F, 3), indices in 0..<V |
/// | `shapedirs` | `<f4` | (V, 3, S) |
/// | `exprdirs` | `<f4` | (V, 3, E) |
/// | `posedirs` | `<f4` | (V, 3, 36), feature k = 9 (j − 1) + 3 row + col |
/// | `J_regressor` | `<f4` | (5, V), rows sum to 1 |
/// | `lbs_weights` | `<f4` | (V, 5), rows sum to 1 |
/// | `parents` | `<i4` | (5,), −1 for the root, parent < child |
///
/// Loading checks every key's dtype and shape, that every float is finite, that faces index
/// existing vertices, the parents, and the row sums (±1e-3); problems throw ``AssetError``
/// naming the file and the key. Any vertex count works (5023 for FLAME, 5143 with
/// GaussianAvatars' teeth).
///
/// ``evaluate(_:identity:into:)`` is the exact FLAME forward pass (docs/formats.md, "Evaluating the rig"); it writes into
/// a caller-provided buffer and allocates nothing per frame. The rig is immutable and can be
/// shared by many avatars and threads.
public final class FLAMERig: Sendable {
    /// The `format` key's value.
    public static let formatTag = "splatd-flame-rig/1"
    /// FLAME's joints: root, neck, jaw, left eye, right eye.
    public static let jointCount = 5
    /// Pose-corrective features: 4 non-root joints × 9 entries of `R − I`.
    public static let poseFeatureCount = 36
    /// Largest shape component count a rig file may hold.
    public static let maximumShapeCount = 300
    /// Largest expression component count a rig file may hold.
    public static let maximumExpressionCount = 100

    /// Where the rig came from (the path given, or a name), used in errors.
    public let path: String
    /// V.
    public let vertexCount: Int
    /// F.
    public let faceCount: Int
    /// S: identity shape components.
    public let shapeCount: Int
    /// E: expression components.
    public let expressionCount: Int
    /// Triangles as vertex indices, 3 per face (`faces[3 f + i]`).
    public let faces: [Int32]
    /// The template vertices.
    public let template: [SIMD3<Float>]
    /// Kinematic parents (−1 for the root).
    public let parents: [Int]

    /// `shapedirs` as stored: row `3 v + c` holds S coefficients.
    let shapedirs: [Float]
    /// Expression then pose-corrective directions, one row of ``rowStride`` floats per
    /// component (`x y z` per vertex, zero padded): rows 0..<E are `exprdirs`, E..<E+36 `posedirs`.
    let blend: [Float]
    /// Floats per row of ``blend``: `3 V` rounded up to a multiple of 8.
    let rowStride: Int
    /// `J_regressor` (5 × V).
    let jointRegressor: [Float]
    /// `J_regressor · exprdirs[..., e]`: joint offsets per unit of expression coefficient e (E × 5).
    let jointExpression: [SIMD3<Double>]
    /// `lbs_weights` (V × 5).
    let weights: [Float]

    /// Vertices per tile of the per-frame blend + skinning loop (a tile's floats stay in L1).
    static let tileVertices = 128

    /// Creates a rig from arrays laid out as in the file (C order), validating them.
    ///
    /// - Parameters:
    ///   - path: names the rig in errors.
    ///   - template: V × 3. `faces`: F × 3. `shapedirs`: V × 3 × `shapeCount`.
    ///     `exprdirs`: V × 3 × `expressionCount`. `posedirs`: V × 3 × 36.
    ///     `jointRegressor`: 5 × V. `lbsWeights`: V × 5. `parents`: 5.
    /// - Throws: ``AssetError`` naming the offending key.
    public init(path: String, template: [Float], faces: [Int32], shapedirs: [Float], shapeCount: Int,
                exprdirs: [Float], expressionCount: Int, posedirs: [Float], jointRegressor: [Float],
                lbsWeights: [Float], parents: [Int32]) throws {
        func shapeError(_ key: String, _ count: Int, _ expected: String) -> AssetError {
            .wrongShape(path: path, key: key, found: [count], expected: expected)
        }
        guard template.count % 3 == 0, template.count >= 9 else {
            throw shapeError("v_template", template.count, "(V, 3) with V ≥ 3")
        }
        let V = template.count / 3
        guard faces.count % 3 == 0, faces.count >= 3 else { throw shapeError("faces", faces.count, "(F, 3) with F ≥ 1") }
        let F = faces.count / 3
        guard (0...Self.maximumShapeCount).contains(shapeCount), shapedirs.count == V * 3 * shapeCount else {
            throw shapeError("shapedirs", shapedirs.count, "(V, 3, S ≤ 300) with V = \(V)")
        }
        guard (0...Self.maximumExpressionCount).contains(expressionCount), exprdirs.count == V * 3 * expressionCount else {
            throw shapeError("exprdirs", exprdirs.count, "(V, 3, E ≤ 100) with V = \(V)")
        }
        guard posedirs.count == V * 3 * Self.poseFeatureCount else { throw shapeError("posedirs", posedirs.count, "(V, 3, 36) with V = \(V)") }
        guard jointRegressor.count == Self.jointCount * V else { throw shapeError("J_regressor", jointRegressor.count, "(5, V) with V = \(V)") }
        guard lbsWeights.count == V * Self.jointCount else { throw shapeError("lbs_weights", lbsWeights.count, "(V, 5) with V = \(V)") }
        guard parents.count == Self.jointCount else { throw shapeError("parents", parents.count, "(5,)") }
        for (key, values) in [("v_template", template), ("shapedirs", shapedirs), ("exprdirs", exprdirs),
                              ("posedirs", posedirs), ("J_regressor", jointRegressor), ("lbs_weights", lbsWeights)] {
            if let bad = ArrayFile.firstNonFinite(values) { throw AssetError.nonFinite(path: path, key: key, index: bad) }
        }
        if let bad = faces.firstIndex(where: { $0 < 0 || Int($0) >= V }) {
            throw AssetError.invalidValue(path: path, key: "faces", reason:
                "triangle \(bad / 3) uses vertex \(faces[bad]), outside 0…\(V - 1)")
        }
        guard parents[0] == -1, (1..<Self.jointCount).allSatisfy({ parents[$0] >= 0 && parents[$0] < Int32($0) }) else {
            throw AssetError.invalidValue(path: path, key: "parents", reason:
                "\(parents.map(Int.init)) is not a kinematic tree: the root's parent must be −1 and every other joint's parent a joint before it")
        }
        for j in 0..<Self.jointCount {
            var sum: Double = 0
            for v in 0..<V { sum += Double(jointRegressor[j * V + v]) }
            guard abs(sum - 1) <= 1e-3 else {
                throw AssetError.invalidValue(path: path, key: "J_regressor", reason: "row \(j) sums to \(sum), expected 1")
            }
        }
        for v in 0..<V {
            var sum: Float = 0
            for j in 0..<Self.jointCount { sum += lbsWeights[v * Self.jointCount + j] }
            guard abs(sum - 1) <= 1e-3 else {
                throw AssetError.invalidValue(path: path, key: "lbs_weights", reason: "row \(v) sums to \(sum), expected 1")
            }
        }

        self.path = path
        vertexCount = V
        faceCount = F
        self.shapeCount = shapeCount
        self.expressionCount = expressionCount
        self.faces = faces
        self.template = (0..<V).map { SIMD3(template[3 * $0], template[3 * $0 + 1], template[3 * $0 + 2]) }
        self.parents = parents.map(Int.init)
        self.shapedirs = shapedirs
        self.jointRegressor = jointRegressor
        weights = lbsWeights

        // Expression and pose directions transposed to one contiguous row per component.
        let stride = (3 * V + 7) / 8 * 8
        rowStride = stride
        let E = expressionCount, P = Self.poseFeatureCount
        var blend = [Float](repeating: 0, count: (E + P) * stride)
        blend.withUnsafeMutableBufferPointer { out in
            exprdirs.withUnsafeBufferPointer { ex in
                posedirs.withUnsafeBufferPointer { po in
                    for row in 0..<(3 * V) {
                        for e in 0..<E { out[e * stride + row] = ex[row * E + e] }
                        for k in 0..<P { out[(E + k) * stride + row] = po[row * P + k] }
                    }
                }
            }
        }
        self.blend = blend

        // Joint offsets per expression coefficient (J_regressor is sparse in practice).
        var jointExpression = [SIMD3<Double>](repeating: .zero, count: E * Self.jointCount)
        if E > 0 {
            for j in 0..<Self.jointCount {
                for v in 0..<V {
                    let w = Double(jointRegressor[j * V + v])
                    if w == 0 { continue }
                    for e in 0..<E {
                        jointExpression[e * Self.jointCount + j] += w * SIMD3(
                            Double(exprdirs[(3 * v) * E + e]), Double(exprdirs[(3 * v + 1) * E + e]),
                            Double(exprdirs[(3 * v + 2) * E + e]))
                    }
                }
            }
        }
        self.jointExpression = jointExpression
    }

    // MARK: - Identity

    /// Folds an avatar's identity into the rig's template: `v_template + shapedirs · β +
    /// static_offset` and its joints. Done once per avatar.
    ///
    /// - Parameters:
    ///   - shape: shape coefficients β. Fewer than ``shapeCount`` are fine (the rest are zero).
    ///     More are accepted only if every extra coefficient is exactly zero: identity must be
    ///     exact, so a rig converted with fewer shape components than the avatar uses is an error.
    ///   - staticOffset: per-vertex offsets (V of them), or `nil`.
    /// - Throws: ``DriveError`` for NaN/infinity, extra non-zero coefficients or a wrong offset count.
    public func identity(shape: [Float] = [], staticOffset: [SIMD3<Float>]? = nil) throws -> FLAMEIdentity {
        for (i, v) in shape.enumerated() where !v.isFinite { throw DriveError.nonFinite(parameter: "shape", index: i) }
        if shape.count > shapeCount, let extra = shape[shapeCount...].firstIndex(where: { $0 != 0 }) {
            throw DriveError.invalidValue(parameter: "shape", reason:
                "\(shape.count) coefficients but the rig \(path) has \(shapeCount); coefficient \(extra) is \(shape[extra]), not 0. "
                + "Convert the rig with --shape \(min(shape.count, Self.maximumShapeCount)) (flame_to_npz.py).")
        }
        if let staticOffset {
            guard staticOffset.count == vertexCount else {
                throw DriveError.wrongCount(parameter: "static_offset", count: staticOffset.count, expected: "\(vertexCount) vertices (the rig's V)")
            }
            for (i, v) in staticOffset.enumerated() where !(v.x.isFinite && v.y.isFinite && v.z.isFinite) {
                throw DriveError.nonFinite(parameter: "static_offset", index: i)
            }
        }
        let used = Array(shape.prefix(shapeCount))
        let V = vertexCount, S = shapeCount
        var shaped = [Float](repeating: 0, count: rowStride)
        for v in 0..<V {
            for c in 0..<3 {
                let row = 3 * v + c
                var sum = Double(template[v][c])
                for s in 0..<used.count { sum += Double(shapedirs[row * S + s]) * Double(used[s]) }
                if let staticOffset { sum += Double(staticOffset[v][c]) }
                shaped[row] = Float(sum)
            }
        }
        var joints = [SIMD3<Double>](repeating: .zero, count: Self.jointCount)
        for j in 0..<Self.jointCount {
            for v in 0..<V {
                let w = Double(jointRegressor[j * V + v])
                if w != 0 { joints[j] += w * SIMD3(Double(shaped[3 * v]), Double(shaped[3 * v + 1]), Double(shaped[3 * v + 2])) }
            }
        }
        return FLAMEIdentity(shape: used, hasStaticOffset: staticOffset != nil, vertexCount: V, shaped: shaped,
                             joints: joints, rigID: ObjectIdentifier(self))
    }

    // MARK: - Forward pass

    /// The joints `J_regressor · v_shaped` for an expression (root, neck, jaw, left eye, right eye).
    public func joints(expression: [Float], identity: FLAMEIdentity) -> [SIMD3<Float>] {
        (0..<Self.jointCount).map { j in
            var J = identity.joints[j]
            for e in 0..<min(expressionCount, expression.count) {
                J += Double(expression[e]) * jointExpression[e * Self.jointCount + j]
            }
            return SIMD3<Float>(J)
        }
    }

    /// Poses the rig: the FLAME forward pass of docs/formats.md (expression blendshapes, joints,
    /// Rodrigues, pose correctives from the four non-root joints, the kinematic chain, linear
    /// blend skinning, then the translation).
    ///
    /// - Parameters:
    ///   - parameters: expression and pose; validated (NaN/infinity throw). Values are used
    ///     exactly as given (no clamping; ``Avatar`` applies ``DriveLimits``).
    ///   - identity: made by this rig's ``identity(shape:staticOffset:)``.
    ///   - vertices: receives V posed vertices; resized only if it has another count, so a
    ///     buffer reused across frames is never reallocated.
    ///   - threads: workers for the vertex loop (default: every core).
    /// - Throws: ``DriveError`` for invalid parameters or an identity made by another rig.
    public func evaluate(_ parameters: FLAMEParameters, identity: FLAMEIdentity, into vertices: inout [SIMD3<Float>],
                         threads: Int = Parallel.coreCount) throws {
        try parameters.validate()
        guard identity.rigID == ObjectIdentifier(self), identity.vertexCount == vertexCount else {
            throw DriveError.invalidValue(parameter: "identity", reason: "made by another rig than \(path)")
        }
        if vertices.count != vertexCount { vertices = [SIMD3<Float>](repeating: .zero, count: vertexCount) }
        vertices.withUnsafeMutableBufferPointer { out in
            evaluateUnchecked(parameters, identity: identity, expressionLimit: .infinity, threads: threads, into: out.baseAddress!)
        }
    }

    /// The forward pass without validation; `into` holds V vertices.
    func evaluateUnchecked(_ p: FLAMEParameters, identity: FLAMEIdentity, expressionLimit: Float, threads: Int,
                           into out: UnsafeMutablePointer<SIMD3<Float>>) {
        let E = expressionCount, P = Self.poseFeatureCount, NJ = Self.jointCount
        let nE = min(E, p.expression.count)

        withUnsafeTemporaryAllocation(of: SIMD4<Float>.self, capacity: 3 * NJ) { A in
        withUnsafeTemporaryAllocation(of: Matrix3.self, capacity: NJ) { G in
        withUnsafeTemporaryAllocation(of: SIMD3<Double>.self, capacity: 2 * NJ) { jointsAndTranslations in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: E + P) { coefficientRows in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: E + P) { coefficientValues in
            let J = jointsAndTranslations.baseAddress!, Gt = J + NJ
            var active = 0
            // 1. Expression coefficients (clamped) and the joints they move.
            for j in 0..<NJ { J[j] = identity.joints[j] }
            p.expression.withUnsafeBufferPointer { psi in
                jointExpression.withUnsafeBufferPointer { je in
                    for e in 0..<nE {
                        let c = min(max(psi[e], -expressionLimit), expressionLimit)
                        if c == 0 { continue }
                        coefficientRows[active] = e
                        coefficientValues[active] = c
                        active += 1
                        let d = Double(c), base = e * NJ
                        for j in 0..<NJ { J[j] += d * je[base + j] }
                    }
                }
            }
            // 2.–3. Rotations and pose-corrective features.
            for j in 0..<NJ {
                let R = RotationMath.rodrigues(p.joint(j))
                if j > 0 {
                    for row in 0..<3 {
                        for col in 0..<3 {
                            let f = Float(R[row, col] - (row == col ? 1 : 0))
                            if f != 0 {
                                coefficientRows[active] = E + 9 * (j - 1) + 3 * row + col
                                coefficientValues[active] = f
                                active += 1
                            }
                        }
                    }
                }
                // 4. Kinematic chain: G_j = G_parent · [R_j | J_j − J_parent]; A_j = [G_j | t_j − G_j J_j].
                let parent = parents[j]
                if parent < 0 {
                    G[j] = R; Gt[j] = J[j]
                } else {
                    G[j] = G[parent] * R
                    Gt[j] = G[parent].apply(J[j] - J[parent]) + Gt[parent]
                }
                let t = Gt[j] - G[j].apply(J[j])
                A[3 * j] = SIMD4<Float>(SIMD4(G[j].r0, t.x))
                A[3 * j + 1] = SIMD4<Float>(SIMD4(G[j].r1, t.y))
                A[3 * j + 2] = SIMD4<Float>(SIMD4(G[j].r2, t.z))
            }
            skin(identity: identity, rows: coefficientRows.baseAddress!, values: coefficientValues.baseAddress!,
                 active: active, A: A.baseAddress!, translation: p.translation, threads: threads, into: out)
        }
        }
        }
        }
        }
    }

    /// 1.–5. per vertex (``LinearBlendSkinning``), with the rig's arrays.
    private func skin(identity: FLAMEIdentity, rows: UnsafePointer<Int>, values: UnsafePointer<Float>, active: Int,
                      A: UnsafePointer<SIMD4<Float>>, translation: SIMD3<Float>, threads: Int,
                      into out: UnsafeMutablePointer<SIMD3<Float>>) {
        identity.shaped.withUnsafeBufferPointer { shaped in
        blend.withUnsafeBufferPointer { blend in
        weights.withUnsafeBufferPointer { weights in
            LinearBlendSkinning.skin(
                LinearBlendSkinning.Rig(shaped: UnsafeRawPointer(shaped.baseAddress!), blend: UnsafeRawPointer(blend.baseAddress!),
                                        rowStride: rowStride, weights: weights.baseAddress!, vertexCount: vertexCount,
                                        tileVertices: Self.tileVertices),
                rows: rows, values: values, active: active, transforms: A, translation: translation,
                threads: threads, into: out)
        }
        }
        }
    }
}
