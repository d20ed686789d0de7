import SplatCore

/// Everything a drive source can say about a face, in one value that can be blended.
///
/// Both vocabularies live side by side: FLAME values (expression coefficients, joint
/// rotations) and ARKit-52 weights. Head pose (`rotation`, `translation`) and eye rotations are
/// shared by both. The avatar maps what it receives onto its own rig (``avatarDrive(for:)``).
/// Rotations are axis-angle vectors in radians; blending them linearly is accurate for the small
/// differences between consecutive samples.
public struct DriveValues: Equatable, Sendable {
    public var expression: [Float] = []
    public var jaw: SIMD3<Float> = .zero
    public var neck: SIMD3<Float> = .zero
    public var leftEye: SIMD3<Float> = .zero
    public var rightEye: SIMD3<Float> = .zero
    public var rotation: SIMD3<Float> = .zero
    public var translation: SIMD3<Float> = .zero
    /// Eyelid closure 0…1, left and right.
    public var eyelids: SIMD2<Float> = .zero
    /// ARKit weights 0…1 in canonical order (`ARKitNames.all`).
    public var arkit: [Float] = Array(repeating: 0, count: 52)
    /// The vocabulary of the latest drive frame: the avatar is posed in it.
    public var vocabulary: Vocabulary = .none

    /// Which vocabulary the face is posed in.
    public enum Vocabulary: Sendable, Equatable { case none, flame, arkit }

    /// Neutral values.
    public init() {}

    /// Neutral face, head straight, at the origin.
    public static let neutral = DriveValues()

    /// `a + (b − a)·t`, component-wise.
    public static func mix(_ a: DriveValues, _ b: DriveValues, _ t: Float) -> DriveValues {
        func lerp(_ x: [Float], _ y: [Float]) -> [Float] {
            let n = max(x.count, y.count)
            var out = [Float](repeating: 0, count: n)
            for i in 0..<n {
                let xi = i < x.count ? x[i] : 0, yi = i < y.count ? y[i] : 0
                out[i] = xi + (yi - xi) * t
            }
            return out
        }
        var r = DriveValues()
        r.expression = lerp(a.expression, b.expression)
        r.jaw = a.jaw + (b.jaw - a.jaw) * t
        r.neck = a.neck + (b.neck - a.neck) * t
        r.leftEye = a.leftEye + (b.leftEye - a.leftEye) * t
        r.rightEye = a.rightEye + (b.rightEye - a.rightEye) * t
        r.rotation = a.rotation + (b.rotation - a.rotation) * t
        r.translation = a.translation + (b.translation - a.translation) * t
        r.eyelids = a.eyelids + (b.eyelids - a.eyelids) * t
        r.arkit = lerp(a.arkit, b.arkit)
        r.vocabulary = a.vocabulary == .none ? b.vocabulary : a.vocabulary
        return r
    }
}

extension DriveValues {
    /// Applies the fields present in `input` over `self` (absent fields keep their value),
    /// validating everything first so that a bad frame changes nothing. The acceptance bounds
    /// are ``DriveLimits``' `accepted…` constants.
    public mutating func apply(_ input: DriveInput) throws(DriveInputError) {
        var next = self
        switch input {
        case .flame(let f):
            next.vocabulary = .flame
            try Self.check(f.expression, field: "flame.expr", limit: DriveLimits.acceptedExpression)
            guard f.expression.count <= DriveLimits.acceptedExpressionCount else {
                throw .wrongLength(field: "flame.expr", count: f.expression.count, expected: "at most \(DriveLimits.acceptedExpressionCount)")
            }
            if !f.expression.isEmpty { next.expression = f.expression }
            if let v = f.jaw { next.jaw = try Self.angle(v, "flame.jaw_pose") }
            if let v = f.neck { next.neck = try Self.angle(v, "flame.neck_pose") }
            if let v = f.leftEye { next.leftEye = try Self.angle(v, "flame.left_eye_pose") }
            if let v = f.rightEye { next.rightEye = try Self.angle(v, "flame.right_eye_pose") }
            if let v = f.rotation { next.rotation = try Self.angle(v, "flame.rotation") }
            if let v = f.translation { next.translation = try Self.position(v, "flame.translation") }
            if !f.eyelids.isEmpty {
                guard f.eyelids.count == 2 else {
                    throw .wrongLength(field: "flame.eyelids", count: f.eyelids.count, expected: "2 (left, right)")
                }
                try Self.check(f.eyelids, field: "flame.eyelids", limit: DriveLimits.acceptedWeight)
                next.eyelids = SIMD2(f.eyelids[0], f.eyelids[1])
            }
        case .arkit(let a):
            next.vocabulary = .arkit
            if !a.weights.isEmpty {
                guard a.weights.count == ARKitNames.all.count else {
                    throw .wrongLength(field: "arkit.weights", count: a.weights.count, expected: "52 (ARKit order) or none")
                }
                try Self.check(a.weights, field: "arkit.weights", limit: DriveLimits.acceptedWeight)
                next.arkit = a.weights.map { min(max($0, 0), 1) }
            }
            for (name, weight) in a.named {
                guard let index = ARKitNames.index[name] else { throw .unknownARKitName(name) }
                try Self.check([weight], field: "arkit.named[\(name)]", limit: DriveLimits.acceptedWeight)
                next.arkit[index] = min(max(weight, 0), 1)
            }
            if let v = a.headRotation { next.rotation = try Self.angle(v, "arkit.head_rotation") }
            if let v = a.headTranslation { next.translation = try Self.position(v, "arkit.head_translation") }
            if let v = a.leftEyeRotation { next.leftEye = try Self.angle(v, "arkit.left_eye_rotation") }
            if let v = a.rightEyeRotation { next.rightEye = try Self.angle(v, "arkit.right_eye_rotation") }
        }
        self = next
    }

    private static func check(_ values: [Float], field: String, limit: Float) throws(DriveInputError) {
        for v in values {
            guard v.isFinite else { throw .notFinite(field: field) }
            guard abs(v) <= limit else { throw .outOfRange(field: field, value: v, limit: "±\(limit)") }
        }
    }

    private static func angle(_ s: SIMD3<Float>, _ field: String) throws(DriveInputError) -> SIMD3<Float> {
        guard s.x.isFinite, s.y.isFinite, s.z.isFinite else { throw .notFinite(field: field) }
        let angle = (s * s).sum().squareRoot()
        guard angle <= DriveLimits.acceptedAngle else { throw .outOfRange(field: field, value: angle, limit: "0…2π rad") }
        return s
    }

    private static func position(_ s: SIMD3<Float>, _ field: String) throws(DriveInputError) -> SIMD3<Float> {
        guard s.x.isFinite, s.y.isFinite, s.z.isFinite else { throw .notFinite(field: field) }
        let d = (s * s).sum().squareRoot()
        guard d <= DriveLimits.acceptedTranslation else {
            throw .outOfRange(field: field, value: d, limit: "0…\(DriveLimits.acceptedTranslation) m")
        }
        return s
    }

    /// The drive to pose `kind` of avatar with: in the vocabulary the values came in, or the
    /// avatar's own when nothing drove it yet.
    public func avatarDrive(for kind: Avatar.Kind) throws -> AvatarDrive {
        let useARKit = switch vocabulary {
        case .arkit: true
        case .flame: false
        case .none: kind == .blendshape
        }
        if useARKit {
            return .arkit(try ARKitParameters(weights: arkit, headPose: HeadPose(rotation: rotation, translation: translation)))
        }
        return .flame(FLAMEParameters(expression: expression, rotation: rotation, neck: neck, jaw: jaw,
                                      leftEye: leftEye, rightEye: rightEye, translation: translation,
                                      eyelids: eyelids))
    }
}
