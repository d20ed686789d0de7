import SplatCore

/// One frame of ARKit-style drive values: the 52 blendshape weights plus a rigid head pose.
///
/// Weights are stored in the canonical ARKit order (``names``; the order of
/// `ARFaceAnchor.BlendShapeLocation` as Live Link Face sends it). Every setter rejects NaN and
/// infinity with ``DriveError/nonFinite(parameter:index:)`` and **clamps** finite weights to
/// 0…1. Names are matched without regard to case (`JawOpen` = `jawOpen`); an unknown name throws
/// ``DriveError/unknownARKitName(_:)``, except MediaPipe's `_neutral` score, which is accepted
/// and ignored.
public struct ARKitParameters: Sendable, Equatable {
    /// The 52 ARKit blendshape names in canonical order.
    public static let names: [String] = ARKitNames.all

    /// Number of ARKit blendshapes (52).
    public static let count = 52

    /// The canonical index of an ARKit name (any case), or `nil` if it is not one.
    public static func index(of name: String) -> Int? { ARKitNames.index(matching: name) }

    /// The 52 weights in canonical order, each in 0…1.
    public internal(set) var weights: [Float]
    /// The rigid head pose.
    public var headPose: HeadPose
    /// Eyeball rotations (axis-angle, radians), when the source measures gaze as angles; the
    /// eyes then turn rigidly and the `eyeLook*` weights move only the lids. Nil: gaze from the
    /// `eyeLook*` weights.
    public var eyes: EyeRotations?

    /// Rotations of the left and right eyeball (axis-angle, radians; FLAME's eye poses).
    public struct EyeRotations: Sendable, Equatable {
        public var left: SIMD3<Float>
        public var right: SIMD3<Float>
        public init(left: SIMD3<Float>, right: SIMD3<Float>) { self.left = left; self.right = right }
    }

    /// All weights zero (neutral face), with the given head pose.
    public init(headPose: HeadPose = .identity) {
        weights = [Float](repeating: 0, count: Self.count)
        self.headPose = headPose
    }

    /// Weights in canonical order. 52 values are expected; 61 (Live Link Face: 52 weights then
    /// head and eye angles) are accepted and only the first 52 used.
    /// - Throws: ``DriveError`` for another count or a NaN/infinite weight; finite weights are clamped to 0…1.
    public init(weights: [Float], headPose: HeadPose = .identity) throws {
        guard weights.count == Self.count || weights.count == 61 else {
            throw DriveError.wrongCount(parameter: "arkit weights", count: weights.count, expected: "52 (or Live Link Face's 61)")
        }
        self.init(headPose: headPose)
        for i in 0..<Self.count { try set(index: i, weights[i]) }
    }

    /// Weights by ARKit name; names not given are zero.
    /// - Throws: ``DriveError/unknownARKitName(_:)`` for a name that is not an ARKit name
    ///   (`_neutral` is ignored), ``DriveError/nonFinite(parameter:index:)`` for NaN/infinity.
    public init(named: [String: Float], headPose: HeadPose = .identity) throws {
        self.init(headPose: headPose)
        for (name, value) in named.sorted(by: { $0.key < $1.key }) where name != ARKitNames.mediaPipeNeutral {
            try set(name, value)
        }
    }

    /// The weight of the blendshape `name` (0 for a name that is not an ARKit name).
    public subscript(name: String) -> Float {
        Self.index(of: name).map { weights[$0] } ?? 0
    }

    /// The weight at canonical index `index`.
    public subscript(index: Int) -> Float { weights[index] }

    /// Sets the weight of `name`, clamped to 0…1.
    public mutating func set(_ name: String, _ value: Float) throws {
        guard let index = Self.index(of: name) else { throw DriveError.unknownARKitName(name) }
        guard value.isFinite else { throw DriveError.nonFinite(parameter: "arkit.\(name)", index: nil) }
        weights[index] = min(max(value, 0), 1)
    }

    /// Sets the weight at canonical index `index`, clamped to 0…1.
    public mutating func set(index: Int, _ value: Float) throws {
        guard (0..<Self.count).contains(index) else { throw DriveError.arkitIndexOutOfRange(index) }
        guard value.isFinite else { throw DriveError.nonFinite(parameter: "arkit.\(Self.names[index])", index: nil) }
        weights[index] = min(max(value, 0), 1)
    }

    /// Throws if the head pose holds NaN or infinity (weights are validated when set).
    public func validate() throws {
        try headPose.validate(prefix: "head ")
        if let eyes {
            for i in 0..<3 where !(eyes.left[i].isFinite && eyes.right[i].isFinite) {
                throw DriveError.nonFinite(parameter: "eye rotation", index: i)
            }
        }
    }
}
