import SplatCore

/// One drive frame as a tracker sends it, in either vocabulary, before validation: the
/// animator's own input type (the daemon adapts its wire messages to it).
///
/// Fields that are `nil` or empty were not sent: they keep their last value
/// (``DriveValues/apply(_:)``).
public enum DriveInput: Sendable, Equatable {
    /// FLAME codes: expression coefficients and joint rotations (axis-angle, radians).
    case flame(FLAME)
    /// ARKit-52 weights and head and eye rotations.
    case arkit(ARKit)

    /// FLAME values of one frame.
    public struct FLAME: Sendable, Equatable {
        public var expression: [Float] = []
        public var jaw: SIMD3<Float>?
        public var neck: SIMD3<Float>?
        public var leftEye: SIMD3<Float>?
        public var rightEye: SIMD3<Float>?
        public var rotation: SIMD3<Float>?
        public var translation: SIMD3<Float>?
        /// Eyelid closure, left and right (empty: not sent).
        public var eyelids: [Float] = []

        public init(expression: [Float] = [], jaw: SIMD3<Float>? = nil, neck: SIMD3<Float>? = nil,
                    leftEye: SIMD3<Float>? = nil, rightEye: SIMD3<Float>? = nil, rotation: SIMD3<Float>? = nil,
                    translation: SIMD3<Float>? = nil, eyelids: [Float] = []) {
            self.expression = expression
            self.jaw = jaw; self.neck = neck; self.leftEye = leftEye; self.rightEye = rightEye
            self.rotation = rotation; self.translation = translation
            self.eyelids = eyelids
        }
    }

    /// ARKit values of one frame.
    public struct ARKit: Sendable, Equatable {
        /// All 52 weights in canonical order (`ARKitNames.all`), or none.
        public var weights: [Float] = []
        /// Weights by name, applied after `weights`.
        public var named: [String: Float] = [:]
        public var headRotation: SIMD3<Float>?
        public var headTranslation: SIMD3<Float>?
        public var leftEyeRotation: SIMD3<Float>?
        public var rightEyeRotation: SIMD3<Float>?

        public init(weights: [Float] = [], named: [String: Float] = [:], headRotation: SIMD3<Float>? = nil,
                    headTranslation: SIMD3<Float>? = nil, leftEyeRotation: SIMD3<Float>? = nil,
                    rightEyeRotation: SIMD3<Float>? = nil) {
            self.weights = weights; self.named = named
            self.headRotation = headRotation; self.headTranslation = headTranslation
            self.leftEyeRotation = leftEyeRotation; self.rightEyeRotation = rightEyeRotation
        }
    }
}

/// Why a drive frame was refused. A refused frame changes nothing.
public enum DriveInputError: Error, CustomStringConvertible, Equatable, Sendable {
    case notFinite(field: String)
    case outOfRange(field: String, value: Float, limit: String)
    case wrongLength(field: String, count: Int, expected: String)
    case unknownARKitName(String)
    case noValues

    public var description: String {
        switch self {
        case let .notFinite(field): return "\(field) holds NaN or infinity"
        case let .outOfRange(field, value, limit): return "\(field) = \(value) is outside \(limit)"
        case let .wrongLength(field, count, expected): return "\(field) has \(count) values, expected \(expected)"
        case let .unknownARKitName(name): return "unknown ARKit blendshape name \(name.quotedForMessage)"
        case .noValues: return "the drive frame carries neither flame nor arkit values"
        }
    }
}
