import SplatCore

/// Everything a drive source can say about a face, in one value that can be blended.
///
/// Both vocabularies live side by side: FLAME values (expression coefficients, joint
/// rotations) and ARKit-52 weights. Head pose (`rotation`, `translation`) and eye rotations are
/// shared by both. Each part of the face — mouth and jaw, eyes, lids, expression — follows the
/// newest frame that set it, in whichever vocabulary (``owners``); the avatar maps each part
/// onto its own rig (``avatarDrive(for:)``).
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
    /// Which vocabulary last set each part of the face.
    public var owners = Owners()

    /// A vocabulary; `none` means no drive frame has set the part (the avatar's own is used).
    public enum Vocabulary: Sendable, Equatable { case none, flame, arkit }

    /// The vocabulary that last set each part of the face. For the eyes, `flame` means the
    /// rotation fields (FLAME eye poses, or ARKit eye rotations), `arkit` the `eyeLook*` weights.
    public struct Owners: Sendable, Equatable {
        /// Jaw and mouth: FLAME `jaw_pose`; ARKit `jaw*`, `mouth*`, `cheek*`, `tongueOut`.
        public var mouth = Vocabulary.none
        /// Gaze: eye rotations; ARKit `eyeLook*`.
        public var eyes = Vocabulary.none
        /// Lids: FLAME `eyelids`; ARKit `eyeBlink*`, `eyeSquint*`, `eyeWide*`.
        public var lids = Vocabulary.none
        /// Expression: FLAME `expr`; ARKit `brow*`, `noseSneer*`.
        public var expression = Vocabulary.none

        public init() {}

        /// Every part set by `b`, the others as in `a`.
        static func newest(_ a: Owners, _ b: Owners) -> Owners {
            func pick(_ x: Vocabulary, _ y: Vocabulary) -> Vocabulary { y == .none ? x : y }
            var r = Owners()
            r.mouth = pick(a.mouth, b.mouth); r.eyes = pick(a.eyes, b.eyes)
            r.lids = pick(a.lids, b.lids); r.expression = pick(a.expression, b.expression)
            return r
        }
    }

    /// ARKit indices of each part.
    enum ARKitPart {
        static let eyes: [Int] = [1, 2, 3, 4, 8, 9, 10, 11]
        static let lids: [Int] = [0, 5, 6, 7, 12, 13]
        static let mouth: [Int] = Array(14...40) + [46, 47, 48, 51]
        static let expression: [Int] = Array(41...45) + [49, 50]

        static func owner(of index: Int, _ owners: inout Owners, _ vocabulary: Vocabulary) {
            if eyes.contains(index) { owners.eyes = vocabulary } else if lids.contains(index) { owners.lids = vocabulary }
            else if mouth.contains(index) { owners.mouth = vocabulary } else { owners.expression = vocabulary }
        }
    }

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
        // The newest frame's parts win; parts it does not set (and idle values, which set none)
        // keep their owner, so easing back to neutral continues in the same vocabulary.
        r.owners = Owners.newest(a.owners, b.owners)
        return r
    }
}

extension DriveValues {
    /// Applies the fields present in `input` over `self` (absent fields keep their value),
    /// validating everything first so that a bad frame changes nothing. The acceptance bounds
    /// are ``DriveLimits``' `accepted…` constants.
    ///
    /// `expressionCount` is the avatar's number of FLAME expression coefficients, when it has a
    /// FLAME rig: a longer `expr` is refused (nil: any length up to the acceptance bound).
    public mutating func apply(_ input: DriveInput, expressionCount: Int? = nil) throws(DriveInputError) {
        var next = self
        switch input {
        case .flame(let f):
            let maximumCount = min(expressionCount ?? DriveLimits.acceptedExpressionCount, DriveLimits.acceptedExpressionCount)
            guard f.expression.count <= maximumCount else {
                throw .wrongLength(field: "flame.expr", count: f.expression.count,
                                   expected: expressionCount == nil ? "at most \(maximumCount)" : "at most \(maximumCount) (the avatar's rig)")
            }
            try Self.check(f.expression, field: "flame.expr", limit: DriveLimits.acceptedExpression)
            if !f.expression.isEmpty { next.expression = f.expression; next.owners.expression = .flame }
            if let v = f.jaw { next.jaw = try Self.angle(v, "flame.jaw_pose"); next.owners.mouth = .flame }
            if let v = f.neck { next.neck = try Self.angle(v, "flame.neck_pose") }
            if let v = f.leftEye { next.leftEye = try Self.angle(v, "flame.left_eye_pose"); next.owners.eyes = .flame }
            if let v = f.rightEye { next.rightEye = try Self.angle(v, "flame.right_eye_pose"); next.owners.eyes = .flame }
            if let v = f.rotation { next.rotation = try Self.angle(v, "flame.rotation") }
            if let v = f.translation { next.translation = try Self.position(v, "flame.translation") }
            if !f.eyelids.isEmpty {
                guard f.eyelids.count == 2 else {
                    throw .wrongLength(field: "flame.eyelids", count: f.eyelids.count, expected: "2 (left, right)")
                }
                try Self.check(f.eyelids, field: "flame.eyelids", limit: DriveLimits.acceptedWeight)
                next.eyelids = SIMD2(f.eyelids[0], f.eyelids[1])
                next.owners.lids = .flame
            }
        case .arkit(let a):
            if !a.weights.isEmpty {
                guard a.weights.count == ARKitNames.all.count else {
                    throw .wrongLength(field: "arkit.weights", count: a.weights.count, expected: "52 (ARKit order) or none")
                }
                try Self.check(a.weights, field: "arkit.weights", limit: DriveLimits.acceptedWeight)
                next.arkit = a.weights.map { min(max($0, 0), 1) }
                next.owners.mouth = .arkit; next.owners.eyes = .arkit; next.owners.lids = .arkit; next.owners.expression = .arkit
            }
            for (name, weight) in a.named where name != ARKitNames.mediaPipeNeutral {
                guard let index = ARKitNames.index(matching: name) else { throw .unknownARKitName(name) }
                try Self.check([weight], field: "arkit.named[\(name)]", limit: DriveLimits.acceptedWeight)
                next.arkit[index] = min(max(weight, 0), 1)
                ARKitPart.owner(of: index, &next.owners, .arkit)
            }
            if let v = a.headRotation { next.rotation = try Self.angle(v, "arkit.head_rotation") }
            if let v = a.headTranslation { next.translation = try Self.position(v, "arkit.head_translation") }
            if let v = a.leftEyeRotation { next.leftEye = try Self.angle(v, "arkit.left_eye_rotation"); next.owners.eyes = .flame }
            if let v = a.rightEyeRotation { next.rightEye = try Self.angle(v, "arkit.right_eye_rotation"); next.owners.eyes = .flame }
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

    /// The drive to pose `kind` of avatar with: every part in the vocabulary that set it last,
    /// mapped onto the avatar's own rig (``DriveMapping``) where that is the other one; parts no
    /// frame has set are taken in the avatar's own vocabulary.
    ///
    /// On a FLAME avatar, ARKit's mouth becomes the jaw pose, its `eyeLook*` the eye poses, its
    /// blinks the eyelids, and an ARKit-owned expression (brows, nose) is neutral: FLAME's
    /// expression coefficients have no named shapes. On the demo head, FLAME's jaw, eye poses
    /// and eyelids become their ARKit weights (the eyes turn rigidly), and a FLAME-owned
    /// expression leaves the brows neutral.
    public func avatarDrive(for kind: Avatar.Kind) throws -> AvatarDrive {
        let flame = FLAMEParameters(expression: expression, rotation: rotation, neck: neck, jaw: jaw,
                                    leftEye: leftEye, rightEye: rightEye, translation: translation, eyelids: eyelids)
        if kind == .blendshape {
            var weights = arkit
            var eyes: ARKitParameters.EyeRotations?
            if owners.mouth == .flame || owners.lids == .flame || owners.eyes == .flame {
                let fromFLAME = DriveMapping.arkit(from: flame).parameters.weights
                func take(_ part: [Int]) { for i in part { weights[i] = fromFLAME[i] } }
                if owners.mouth == .flame { take(ARKitPart.mouth) }
                if owners.lids == .flame { take(ARKitPart.lids) }
                if owners.eyes == .flame {
                    take(ARKitPart.eyes)   // the lids follow the gaze
                    eyes = .init(left: leftEye, right: rightEye)
                }
            }
            if owners.expression == .flame { for i in ARKitPart.expression { weights[i] = 0 } }
            // The head turns by FLAME's root rotation and neck together (the neck is zero unless
            // a FLAME frame set it).
            var parameters = try ARKitParameters(weights: weights, headPose: DriveMapping.headPose(from: flame))
            parameters.eyes = eyes
            return .arkit(parameters)
        }
        var p = flame
        if owners.mouth == .arkit || owners.eyes == .arkit {
            let mapped = DriveMapping.flame(from: try ARKitParameters(weights: arkit))
            if owners.mouth == .arkit { p.jaw = mapped.jaw }
            if owners.eyes == .arkit { p.leftEye = mapped.leftEye; p.rightEye = mapped.rightEye }
        }
        if owners.lids == .arkit { p.eyelids = SIMD2(arkit[0], arkit[7]) }   // eyeBlinkLeft, eyeBlinkRight
        if owners.expression == .arkit { p.expression = [] }
        return .flame(p)
    }
}
