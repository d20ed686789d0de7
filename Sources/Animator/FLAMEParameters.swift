/// One frame of FLAME drive values: expression coefficients and the five joint rotations plus
/// a translation. (The identity — shape coefficients and static offsets — belongs to the avatar:
/// see ``FLAMEIdentity``.)
///
/// Rotations are axis-angle vectors in radians, in FLAME's joint order: `rotation` (root,
/// global), `neck`, `jaw`, `leftEye`, `rightEye` — GaussianAvatars' `rotation`, `neck_pose`,
/// `jaw_pose`, `eyes_pose[0..<3]`, `eyes_pose[3..<6]`.
///
/// **Coefficient counts.** `expression` may hold any number of coefficients: missing ones are
/// zero, and coefficients beyond the rig's expression count are ignored (a rig converted with
/// `--expr 50` driven by a tracker that sends 100 uses the first 50).
///
/// **Eyelids.** FLAME 2023 trackers (SMIRK, metrical tracker) send two eyelid values. The
/// eyelid blendshapes are not part of the splatd FLAME rig file, so FLAME avatars accept and
/// ignore them; blendshape avatars (the demo head) map them onto `eyeBlinkLeft/Right`
/// (see ``DriveMapping``).
public struct FLAMEParameters: Sendable, Equatable {
    /// Expression coefficients ψ (FLAME components 300…; any count).
    public var expression: [Float]
    /// Global rotation of the root joint (pivots about the root joint).
    public var rotation: SIMD3<Float>
    /// Neck joint rotation.
    public var neck: SIMD3<Float>
    /// Jaw joint rotation; positive x opens the mouth.
    public var jaw: SIMD3<Float>
    /// Left eye (the subject's left, +x) rotation.
    public var leftEye: SIMD3<Float>
    /// Right eye rotation.
    public var rightEye: SIMD3<Float>
    /// Translation in metres, added after skinning.
    public var translation: SIMD3<Float>
    /// Optional eyelid closure (left, right), 0 = open … 1 = closed; see the type's documentation.
    public var eyelids: SIMD2<Float>?

    /// Every value zero: the rest pose with a neutral expression.
    public static let neutral = FLAMEParameters()

    /// Creates parameters; omitted values are zero.
    public init(expression: [Float] = [], rotation: SIMD3<Float> = .zero, neck: SIMD3<Float> = .zero,
                jaw: SIMD3<Float> = .zero, leftEye: SIMD3<Float> = .zero, rightEye: SIMD3<Float> = .zero,
                translation: SIMD3<Float> = .zero, eyelids: SIMD2<Float>? = nil) {
        self.expression = expression
        self.rotation = rotation
        self.neck = neck
        self.jaw = jaw
        self.leftEye = leftEye
        self.rightEye = rightEye
        self.translation = translation
        self.eyelids = eyelids
    }

    /// Creates parameters from a 5 × 3 pose (root, neck, jaw, left eye, right eye).
    public init(expression: [Float] = [], pose: [SIMD3<Float>], translation: SIMD3<Float> = .zero) throws {
        guard pose.count == 5 else {
            throw DriveError.wrongCount(parameter: "pose", count: pose.count, expected: "5 joints (root, neck, jaw, left eye, right eye)")
        }
        self.init(expression: expression, rotation: pose[0], neck: pose[1], jaw: pose[2],
                  leftEye: pose[3], rightEye: pose[4], translation: translation)
    }

    /// The five joint rotations in FLAME order: root, neck, jaw, left eye, right eye.
    public var pose: [SIMD3<Float>] { [rotation, neck, jaw, leftEye, rightEye] }

    /// The joint rotation `j` (0 root … 4 right eye), without allocating.
    @inline(__always)
    func joint(_ j: Int) -> SIMD3<Float> {
        switch j {
        case 0: return rotation
        case 1: return neck
        case 2: return jaw
        case 3: return leftEye
        default: return rightEye
        }
    }

    /// Throws ``DriveError/nonFinite(parameter:index:)`` naming the first NaN or infinite value
    /// (`expr`, `rotation`, `neck_pose`, `jaw_pose`, `eyes_pose`, `translation`, `eyelids`).
    public func validate() throws {
        for (i, v) in expression.enumerated() where !v.isFinite {
            throw DriveError.nonFinite(parameter: "expr", index: i)
        }
        func check(_ name: String, _ v: SIMD3<Float>, _ base: Int) throws {
            for i in 0..<3 where !v[i].isFinite { throw DriveError.nonFinite(parameter: name, index: base + i) }
        }
        try check("rotation", rotation, 0)
        try check("neck_pose", neck, 0)
        try check("jaw_pose", jaw, 0)
        try check("eyes_pose", leftEye, 0)
        try check("eyes_pose", rightEye, 3)
        try check("translation", translation, 0)
        if let eyelids {
            for i in 0..<2 where !eyelids[i].isFinite { throw DriveError.nonFinite(parameter: "eyelids", index: i) }
        }
    }
}
