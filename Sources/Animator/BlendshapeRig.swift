import AnimatorKernels
import Foundation
import SplatIO

/// A blendshape rig (`splatd-blendshape-rig/1`, docs/formats.md "Blendshape rig file"): a
/// neutral mesh, named sparse vertex-offset targets, per-vertex appearance labels, separate
/// eyeballs, and a rigid head pose. splatd's built-in demo head (``demoHead()``, CC0 MakeHuman
/// mesh + Face Units ARKit-52 targets) is one.
///
/// Evaluation (``evaluate(weights:eyeRotations:headPose:into:)``):
/// 1. `p = vertices + Σₖ wₖ · target_offsets` over the targets' sparse entries;
/// 2. gaze: either the `eyeLook*` targets (linearised eyeball rotation, weights 0…1), or — when
///    eye rotations are given — each eyeball rotates rigidly about its `eye_centers` row, and the
///    `eyeLook*` entries on eyeball vertices are skipped (their eyelid entries still apply);
/// 3. head pose: `p ← R (p − headPivot) + headPivot + t` for every vertex.
///
/// Immutable; share one rig between avatars and threads.
public final class BlendshapeRig: Sendable {
    /// The `format` key's value.
    public static let formatTag = "splatd-blendshape-rig/1"

    /// Where the rig came from, used in errors.
    public let path: String
    /// V.
    public let vertexCount: Int
    /// F.
    public let faceCount: Int
    /// Neutral vertex positions (metres; +y up, face toward +z, +x = subject's left).
    public let vertices: [SIMD3<Float>]
    /// Triangles, 3 indices per face, counter-clockwise seen from outside.
    public let faces: [Int32]
    /// Target names in file order.
    public let targetNames: [String]
    /// Per-vertex appearance labels (0 skin, 1 lips, 2 sclera, 3 iris, 4 pupil, 5 eyebrows,
    /// 6 scalp, 7 teeth, 8 mouth interior, 9 eyelid line, 10 nostril, 11 neck; others = skin).
    public let regions: [UInt8]
    /// Per-vertex eyeball group: 0 face/head, 1 left eyeball, 2 right eyeball.
    public let eyeGroups: [UInt8]
    /// Centres of the left (index 0) and right (index 1) eyeballs.
    public let eyeCentres: [SIMD3<Float>]
    /// Approximate jaw hinge (informational).
    public let jawPivot: SIMD3<Float>
    /// The point the head pose rotates about: on the symmetry plane at the top of the neck,
    /// `(0, jaw_pivot.y − 0.025, −0.01)` — for the demo head (0, −0.069, −0.01), roughly the
    /// upper cervical joints, so a head turn or nod looks anatomical.
    public let headPivot: SIMD3<Float>

    let ranges: [Int32]
    let entryVertices: [Int32]
    let entryOffsets: [SIMD3<Float>]
    /// Canonical ARKit index → target index (−1 when the rig lacks it).
    let arkitTargets: [Int]
    /// Whether target k is an `eyeLook*` target.
    let isEyeLook: [Bool]
    /// Vertices of the left and right eyeballs.
    let eyeballVertices: [[Int32]]

    private static let demoHeadResult: Result<BlendshapeRig, Error> = Result(catching: {
        guard let url = Bundle.module.url(forResource: "demo-head", withExtension: "npz", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: "demo-head", withExtension: "npz")
        else {
            throw AssetError.unreadable(path: "demo-head.npz", reason: "not found in the Animator resource bundle")
        }
        // The module's own resource, read directly: it is not a client's file, so the
        // confinement of reads to the avatar roots (SplatIO.ReadConfinement) does not apply.
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw AssetError.unreadable(path: url.path, reason: "\(error.localizedDescription)")
        }
        return try BlendshapeRig(file: ArrayFile(data: data, path: url.path))
    })

    /// The built-in CC0 demo head (`Resources/demo-head.npz`), loaded once and shared.
    public static func demoHead() throws -> BlendshapeRig { try demoHeadResult.get() }

    /// Loads and validates a blendshape rig file.
    /// - Throws: ``AssetError`` naming the file and the key.
    public convenience init(contentsOf url: URL) throws {
        try self.init(file: ArrayFile(contentsOf: url))
    }

    init(file: ArrayFile) throws {
        let path = file.path
        let format = try file.uint8s("format", [nil], "(\(Self.formatTag.utf8.count),) holding '\(Self.formatTag)'")
        let tag = String(decoding: format.values, as: UTF8.self)
        guard tag == Self.formatTag else {
            throw AssetError.invalidValue(path: path, key: "format", reason: "'\(tag)' is not '\(Self.formatTag)': not a splatd blendshape rig file")
        }
        let vertices = try file.floats("vertices", [nil, 3], "(V, 3)")
        let V = vertices.shape[0]
        guard V >= 3 else { throw AssetError.wrongShape(path: path, key: "vertices", found: vertices.shape, expected: "(V, 3) with V ≥ 3") }
        let faces = try file.int32s("faces", [nil, 3], "(F, 3)")
        guard faces.shape[0] >= 1 else { throw AssetError.wrongShape(path: path, key: "faces", found: faces.shape, expected: "(F, 3) with F ≥ 1") }
        if let bad = faces.values.firstIndex(where: { $0 < 0 || Int($0) >= V }) {
            throw AssetError.invalidValue(path: path, key: "faces", reason: "triangle \(bad / 3) uses vertex \(faces.values[bad]), outside 0…\(V - 1)")
        }
        let nameBytes = try file.uint8s("target_names", [nil], "(bytes,)")
        let names = nameBytes.values.isEmpty ? [] : String(decoding: nameBytes.values, as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let N = names.count
        let ranges = try file.int32s("target_ranges", [N + 1], "(N + 1,) with N = \(N) target names")
        let entryVertices = try file.int32s("target_vertices", [nil], "(M,)")
        let M = entryVertices.shape[0]
        let offsets = try file.floats("target_offsets", [M, 3], "(M, 3) with M = \(M)")
        guard ranges.values.first == 0, ranges.values.last == Int32(M),
              zip(ranges.values, ranges.values.dropFirst()).allSatisfy({ $0 <= $1 })
        else {
            throw AssetError.invalidValue(path: path, key: "target_ranges", reason: "must start at 0, never decrease and end at M = \(M)")
        }
        for k in 0..<N {
            var previous: Int32 = -1
            for j in Int(ranges.values[k])..<Int(ranges.values[k + 1]) {
                let v = entryVertices.values[j]
                guard v > previous, Int(v) < V else {
                    throw AssetError.invalidValue(path: path, key: "target_vertices", reason:
                        "target \(k) ('\(names[k])') entry \(j): vertex \(v) is out of range 0…\(V - 1) or not increasing")
                }
                previous = v
            }
        }
        let regions = try file.uint8s("regions", [V], "(V,) with V = \(V)")
        let eyeGroups = try file.uint8s("eye_groups", [V], "(V,) with V = \(V)")
        if let bad = eyeGroups.values.firstIndex(where: { $0 > 2 }) {
            throw AssetError.invalidValue(path: path, key: "eye_groups", reason: "vertex \(bad) has group \(eyeGroups.values[bad]); expected 0, 1 or 2")
        }
        let eyeCentres = try file.floats("eye_centers", [2, 3], "(2, 3)")
        let jawPivot = try file.floats("jaw_pivot", [3], "(3,)")

        self.path = path
        vertexCount = V
        faceCount = faces.shape[0]
        self.vertices = (0..<V).map { SIMD3(vertices.values[3 * $0], vertices.values[3 * $0 + 1], vertices.values[3 * $0 + 2]) }
        self.faces = faces.values
        targetNames = names
        self.regions = regions.values
        self.eyeGroups = eyeGroups.values
        self.eyeCentres = [SIMD3(eyeCentres.values[0], eyeCentres.values[1], eyeCentres.values[2]),
                           SIMD3(eyeCentres.values[3], eyeCentres.values[4], eyeCentres.values[5])]
        self.jawPivot = SIMD3(jawPivot.values[0], jawPivot.values[1], jawPivot.values[2])
        headPivot = SIMD3(0, self.jawPivot.y - 0.025, -0.01)
        self.ranges = ranges.values
        self.entryVertices = entryVertices.values
        entryOffsets = (0..<M).map { SIMD3(offsets.values[3 * $0], offsets.values[3 * $0 + 1], offsets.values[3 * $0 + 2]) }
        var byName: [String: Int] = [:]
        for (k, name) in names.enumerated() where byName[name] == nil { byName[name] = k }
        arkitTargets = ARKitParameters.names.map { byName[$0] ?? -1 }
        isEyeLook = names.map { $0.hasPrefix("eyeLook") }
        eyeballVertices = [1, 2].map { g in (0..<V).filter { eyeGroups.values[$0] == g }.map { Int32($0) } }
    }

    /// Number of targets.
    public var targetCount: Int { targetNames.count }

    /// The index of the target called `name`, if the rig has one.
    public func targetIndex(named name: String) -> Int? { targetNames.firstIndex(of: name) }

    /// Poses the rig (see the type's documentation).
    ///
    /// - Parameters:
    ///   - weights: one weight per target in file order (``targetNames``); used as given.
    ///   - eyeRotations: axis-angle rotations of the left and right eyeball about their centres,
    ///     or `nil` to gaze with the `eyeLook*` targets only.
    ///   - headPose: rotation about ``headPivot``, then translation.
    ///   - vertices: receives V vertices; resized only if its count differs.
    /// - Throws: ``DriveError`` for a wrong weight count or NaN/infinite values.
    public func evaluate(weights: [Float], eyeRotations: (left: SIMD3<Float>, right: SIMD3<Float>)? = nil,
                         headPose: HeadPose = .identity, into vertices: inout [SIMD3<Float>]) throws {
        guard weights.count == targetCount else {
            throw DriveError.wrongCount(parameter: "weights", count: weights.count, expected: "\(targetCount) (one per target of \(path))")
        }
        for (i, w) in weights.enumerated() where !w.isFinite { throw DriveError.nonFinite(parameter: "weights", index: i) }
        if let eyes = eyeRotations {
            for i in 0..<3 where !(eyes.left[i].isFinite && eyes.right[i].isFinite) {
                throw DriveError.nonFinite(parameter: "eye rotation", index: i)
            }
        }
        try headPose.validate(prefix: "head ")
        if vertices.count != vertexCount { vertices = [SIMD3<Float>](repeating: .zero, count: vertexCount) }
        weights.withUnsafeBufferPointer { w in
            vertices.withUnsafeMutableBufferPointer { out in
                evaluateUnchecked(weights: w.baseAddress!, eyeRotations: eyeRotations, headPose: headPose, into: out.baseAddress!)
            }
        }
    }

    /// Poses the rig from ARKit weights (targets matched by name; ARKit names the rig lacks are
    /// ignored) and the parameters' head pose.
    public func evaluate(_ arkit: ARKitParameters, into vertices: inout [SIMD3<Float>]) throws {
        try arkit.validate()
        if vertices.count != vertexCount { vertices = [SIMD3<Float>](repeating: .zero, count: vertexCount) }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(targetCount, 1)) { w in
            fillWeights(arkit.weights, into: w.baseAddress!)
            vertices.withUnsafeMutableBufferPointer { out in
                evaluateUnchecked(weights: w.baseAddress!, eyeRotations: nil, headPose: arkit.headPose, into: out.baseAddress!)
            }
        }
    }

    /// Writes per-target weights for canonical ARKit weights (52 values).
    func fillWeights(_ arkit: [Float], into w: UnsafeMutablePointer<Float>) {
        w.initialize(repeating: 0, count: targetCount)
        for (i, t) in arkitTargets.enumerated() where t >= 0 { w[t] = arkit[i] }
    }

    func evaluateUnchecked(weights: UnsafePointer<Float>, eyeRotations: (left: SIMD3<Float>, right: SIMD3<Float>)?,
                           headPose: HeadPose, into out: UnsafeMutablePointer<SIMD3<Float>>) {
        let V = vertexCount
        vertices.withUnsafeBufferPointer { neutral in
            out.update(from: neutral.baseAddress!, count: V)
        }
        let rigidEyes = eyeRotations != nil
        ranges.withUnsafeBufferPointer { ranges in
        entryVertices.withUnsafeBufferPointer { ev in
        entryOffsets.withUnsafeBufferPointer { eo in
        eyeGroups.withUnsafeBufferPointer { groups in
        isEyeLook.withUnsafeBufferPointer { eyeLook in
            SparseBlendshapes.add(.init(ranges: ranges.baseAddress!, vertices: ev.baseAddress!, offsets: eo.baseAddress!,
                                        count: targetCount),
                                  weights: weights, skipGroup: rigidEyes ? eyeLook.baseAddress! : nil,
                                  groups: groups.baseAddress!, into: out)
        }
        }
        }
        }
        }
        if let eyes = eyeRotations {
            for g in 0..<2 {
                let r = g == 0 ? eyes.left : eyes.right
                if r == .zero { continue }
                let R = RotationMath.rodrigues(r)
                let c = eyeCentres[g]
                eyeballVertices[g].withUnsafeBufferPointer { indices in
                    guard let base = indices.baseAddress else { return }
                    SparseBlendshapes.rotate(out, count: indices.count, indices: base,
                                             rows: (SIMD3<Float>(R.r0), SIMD3<Float>(R.r1), SIMD3<Float>(R.r2)), pivot: c, shift: c)
                }
            }
        }
        if headPose.rotation != .zero || headPose.translation != .zero {
            let R = RotationMath.rodrigues(headPose.rotation)
            SparseBlendshapes.rotate(out, count: V, indices: nil,
                                     rows: (SIMD3<Float>(R.r0), SIMD3<Float>(R.r1), SIMD3<Float>(R.r2)),
                                     pivot: headPivot, shift: headPivot + headPose.translation)
        }
    }
}
