/// How far an avatar lets finite drive values go before **clamping** them (NaN and infinity
/// are always rejected with ``DriveError``). The limits keep a misbehaving tracker from
/// producing a torn mesh; they are applied by ``Avatar/pose(_:into:)`` (the bare rigs evaluate
/// exactly what they are given).
///
/// Rotation limits bound the angle of an axis-angle vector and keep its axis. The root
/// (global) rotation is not limited: every head orientation is valid.
public struct DriveLimits: Sendable, Equatable {
    /// Largest |ψᵢ| for FLAME expression coefficients (they are ~N(0, 1); ±3 already looks extreme).
    public var expression: Float
    /// Largest jaw rotation, radians.
    public var jawAngle: Float
    /// Largest neck rotation, radians.
    public var neckAngle: Float
    /// Largest eye rotation, radians.
    public var eyeAngle: Float
    /// Largest |translation| per axis, metres.
    public var translation: Float

    /// Defaults: expression ±10, jaw 1.0 rad (57°), neck 1.5 rad (86°), eyes 1.0 rad, translation ±10 m.
    public static let `default` = DriveLimits(expression: 10, jawAngle: 1.0, neckAngle: 1.5, eyeAngle: 1.0, translation: 10)

    /// Acceptance bounds of live drive frames (``DriveValues/apply(_:)``): values beyond them
    /// are not clamped but refused as absurd, so a broken tracker is noticed.
    /// Longest FLAME expression vector.
    public static let acceptedExpressionCount = 400
    /// Largest |ψᵢ| of a FLAME expression coefficient (they are ~N(0, 1); ±3 already looks
    /// extreme): the same bound the default limits clamp to, so no value is changed silently.
    public static let acceptedExpression: Float = 10
    /// Largest |weight| of an ARKit weight or eyelid value (weights are then clamped to 0…1).
    public static let acceptedWeight: Float = 1.5
    /// Largest rotation angle, radians.
    public static let acceptedAngle: Float = 2 * .pi
    /// Largest translation, metres (the same bound the default limits clamp to).
    public static let acceptedTranslation: Float = 10

    /// No clamping at all (NaN is still rejected).
    public static let none = DriveLimits(expression: .infinity, jawAngle: .infinity, neckAngle: .infinity,
                                         eyeAngle: .infinity, translation: .infinity)

    /// Creates limits.
    public init(expression: Float, jawAngle: Float, neckAngle: Float, eyeAngle: Float, translation: Float) {
        self.expression = expression
        self.jawAngle = jawAngle
        self.neckAngle = neckAngle
        self.eyeAngle = eyeAngle
        self.translation = translation
    }

    /// `r` with its angle limited to `maximum`.
    @inline(__always)
    static func clampAngle(_ r: SIMD3<Float>, _ maximum: Float) -> SIMD3<Float> {
        let angle = (r * r).sum().squareRoot()
        return angle > maximum ? r * (maximum / angle) : r
    }

    /// The pose values of `p` clamped (the expression is clamped where it is used, without copying).
    func clampPose(_ p: FLAMEParameters) -> FLAMEParameters {
        var q = p
        q.neck = Self.clampAngle(p.neck, neckAngle)
        q.jaw = Self.clampAngle(p.jaw, jawAngle)
        q.leftEye = Self.clampAngle(p.leftEye, eyeAngle)
        q.rightEye = Self.clampAngle(p.rightEye, eyeAngle)
        q.translation = simd_clamp(p.translation, translation)
        if let e = p.eyelids { q.eyelids = e.clamped(lowerBound: SIMD2(repeating: 0), upperBound: SIMD2(repeating: 1)) }
        return q
    }

    func clampHead(_ pose: HeadPose) -> HeadPose {
        HeadPose(rotation: pose.rotation, translation: simd_clamp(pose.translation, translation))
    }

    @inline(__always)
    private func simd_clamp(_ v: SIMD3<Float>, _ limit: Float) -> SIMD3<Float> {
        guard limit.isFinite else { return v }
        return v.clamped(lowerBound: SIMD3(repeating: -limit), upperBound: SIMD3(repeating: limit))
    }
}
