import SplatCore
import SplatProtocol

/// Everything a drive source can say about a face, in one value that can be blended.
///
/// Both vocabularies live side by side: FLAME values (expression coefficients, joint
/// rotations) and ARKit-52 weights. Head pose (`rotation`, `translation`) and eye rotations are
/// shared by both. The avatar maps what it receives onto its own rig (see `AvatarDriver`).
/// Rotations are axis-angle vectors in radians; blending them linearly is accurate for the small
/// differences between consecutive samples.
struct DriveValues: Equatable, Sendable {
    /// Longest accepted FLAME expression vector.
    static let maximumExpression = 400
    /// Largest accepted rotation angle (radians); larger values are refused as absurd.
    static let maximumAngle: Float = 2 * .pi
    /// Largest accepted translation (metres).
    static let maximumTranslation: Float = 10

    var expression: [Float] = []
    var jaw: SIMD3<Float> = .zero
    var neck: SIMD3<Float> = .zero
    var leftEye: SIMD3<Float> = .zero
    var rightEye: SIMD3<Float> = .zero
    var rotation: SIMD3<Float> = .zero
    var translation: SIMD3<Float> = .zero
    /// Eyelid closure 0…1, left and right.
    var eyelids: SIMD2<Float> = .zero
    /// ARKit weights 0…1 in canonical order (`ARKitNames.all`).
    var arkit: [Float] = Array(repeating: 0, count: 52)
    /// The vocabulary of the latest drive frame: the avatar is posed in it.
    var vocabulary: Vocabulary = .none

    enum Vocabulary: Sendable, Equatable { case none, flame, arkit }

    /// Neutral face, head straight, at the origin.
    static let neutral = DriveValues()

    /// `a + (b − a)·t`, component-wise.
    static func mix(_ a: DriveValues, _ b: DriveValues, _ t: Float) -> DriveValues {
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

/// Why a drive frame was refused.
enum DriveFrameError: Error, CustomStringConvertible, Equatable {
    case notFinite(field: String)
    case outOfRange(field: String, value: Float, limit: String)
    case wrongLength(field: String, count: Int, expected: String)
    case unknownARKitName(String)
    case noValues

    var description: String {
        switch self {
        case let .notFinite(field): return "\(field) holds NaN or infinity"
        case let .outOfRange(field, value, limit): return "\(field) = \(value) is outside \(limit)"
        case let .wrongLength(field, count, expected): return "\(field) has \(count) values, expected \(expected)"
        case let .unknownARKitName(name): return "unknown ARKit blendshape name \(Identifier.quoted(name))"
        case .noValues: return "the drive frame carries neither flame nor arkit values"
        }
    }
}

extension DriveValues {
    /// Applies the fields present in `frame` over `self` (absent fields keep their value),
    /// validating everything first so that a bad frame changes nothing.
    mutating func apply(_ frame: Splatd_V1_DriveFrame) throws {
        var next = self
        switch frame.values {
        case .flame(let f)?:
            next.vocabulary = .flame
            try Self.check(f.expr, field: "flame.expr", limit: 50)
            guard f.expr.count <= Self.maximumExpression else {
                throw DriveFrameError.wrongLength(field: "flame.expr", count: f.expr.count, expected: "at most \(Self.maximumExpression)")
            }
            if !f.expr.isEmpty { next.expression = f.expr }
            if f.hasJawPose { next.jaw = try Self.angle(f.jawPose, "flame.jaw_pose") }
            if f.hasNeckPose { next.neck = try Self.angle(f.neckPose, "flame.neck_pose") }
            if f.hasLeftEyePose { next.leftEye = try Self.angle(f.leftEyePose, "flame.left_eye_pose") }
            if f.hasRightEyePose { next.rightEye = try Self.angle(f.rightEyePose, "flame.right_eye_pose") }
            if f.hasRotation { next.rotation = try Self.angle(f.rotation, "flame.rotation") }
            if f.hasTranslation { next.translation = try Self.position(f.translation, "flame.translation") }
            if !f.eyelids.isEmpty {
                guard f.eyelids.count == 2 else {
                    throw DriveFrameError.wrongLength(field: "flame.eyelids", count: f.eyelids.count, expected: "2 (left, right)")
                }
                try Self.check(f.eyelids, field: "flame.eyelids", limit: 1.5)
                next.eyelids = SIMD2(f.eyelids[0], f.eyelids[1])
            }
        case .arkit(let a)?:
            next.vocabulary = .arkit
            if !a.weights.isEmpty {
                guard a.weights.count == 52 else {
                    throw DriveFrameError.wrongLength(field: "arkit.weights", count: a.weights.count, expected: "52 (ARKit order) or none")
                }
                try Self.check(a.weights, field: "arkit.weights", limit: 1.5)
                next.arkit = a.weights.map { min(max($0, 0), 1) }
            }
            for (name, weight) in a.named {
                guard let index = ARKitNames.index[name] else { throw DriveFrameError.unknownARKitName(name) }
                try Self.check([weight], field: "arkit.named[\(name)]", limit: 1.5)
                next.arkit[index] = min(max(weight, 0), 1)
            }
            if a.hasHeadRotation { next.rotation = try Self.angle(a.headRotation, "arkit.head_rotation") }
            if a.hasHeadTranslation { next.translation = try Self.position(a.headTranslation, "arkit.head_translation") }
            if a.hasLeftEyeRotation { next.leftEye = try Self.angle(a.leftEyeRotation, "arkit.left_eye_rotation") }
            if a.hasRightEyeRotation { next.rightEye = try Self.angle(a.rightEyeRotation, "arkit.right_eye_rotation") }
        case nil:
            throw DriveFrameError.noValues
        }
        self = next
    }

    private static func check(_ values: [Float], field: String, limit: Float) throws {
        for v in values {
            guard v.isFinite else { throw DriveFrameError.notFinite(field: field) }
            guard abs(v) <= limit else { throw DriveFrameError.outOfRange(field: field, value: v, limit: "±\(limit)") }
        }
    }

    private static func angle(_ v: Splatd_V1_Vec3, _ field: String) throws -> SIMD3<Float> {
        let s = SIMD3(v.x, v.y, v.z)
        guard s.x.isFinite, s.y.isFinite, s.z.isFinite else { throw DriveFrameError.notFinite(field: field) }
        let angle = (s * s).sum().squareRoot()
        guard angle <= maximumAngle else { throw DriveFrameError.outOfRange(field: field, value: angle, limit: "0…2π rad") }
        return s
    }

    private static func position(_ v: Splatd_V1_Vec3, _ field: String) throws -> SIMD3<Float> {
        let s = SIMD3(v.x, v.y, v.z)
        guard s.x.isFinite, s.y.isFinite, s.z.isFinite else { throw DriveFrameError.notFinite(field: field) }
        let d = (s * s).sum().squareRoot()
        guard d <= maximumTranslation else { throw DriveFrameError.outOfRange(field: field, value: d, limit: "0…\(maximumTranslation) m") }
        return s
    }
}
