/// The constant part of a FLAME avatar: its shape coefficients β and static offsets, folded
/// once into `v_shaped = v_template + shapedirs · β + static_offset` and the joints regressed
/// from it, so that a frame only adds expression, pose correctives and skinning.
///
/// Make one with ``FLAMERig/identity(shape:staticOffset:)``; it belongs to that rig.
public struct FLAMEIdentity: Sendable {
    /// The shape coefficients used (at most the rig's ``FLAMERig/shapeCount``).
    public let shape: [Float]
    /// Whether a static offset was added.
    public let hasStaticOffset: Bool
    /// Vertex count of the rig this identity was made for.
    public let vertexCount: Int

    /// `v_shaped` as `x y z` floats, padded with zeros to the rig's row stride.
    let shaped: [Float]
    /// `J_regressor · v_shaped` (5 joints), in `Double`.
    let joints: [SIMD3<Double>]
    /// Identifies the rig this identity belongs to.
    let rigID: ObjectIdentifier

    init(shape: [Float], hasStaticOffset: Bool, vertexCount: Int, shaped: [Float], joints: [SIMD3<Double>], rigID: ObjectIdentifier) {
        self.shape = shape
        self.hasStaticOffset = hasStaticOffset
        self.vertexCount = vertexCount
        self.shaped = shaped
        self.joints = joints
        self.rigID = rigID
    }

    /// The shaped (unposed, neutral-expression) vertices.
    public var shapedVertices: [SIMD3<Float>] {
        (0..<vertexCount).map { SIMD3(shaped[3 * $0], shaped[3 * $0 + 1], shaped[3 * $0 + 2]) }
    }

    /// The rest-pose joint positions (root, neck, jaw, left eye, right eye).
    public var restJoints: [SIMD3<Float>] { joints.map { SIMD3<Float>($0) } }
}
