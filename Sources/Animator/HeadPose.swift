import AnimatorKernels
import Foundation

/// A rigid head pose: a rotation (axis-angle, radians) about the rig's pivot, then a
/// translation (metres).
///
/// Axes are FLAME's and the demo head's: +y up, the face looks along +z, +x is the subject's
/// left. The pivot is the rig's own: FLAME's root joint for FLAME avatars,
/// ``BlendshapeRig/headPivot`` for blendshape rigs, ``RigidPivot`` for static scenes.
public struct HeadPose: Sendable, Equatable {
    /// Axis-angle rotation in radians (direction = axis, length = angle).
    public var rotation: SIMD3<Float>
    /// Translation in metres, applied after the rotation.
    public var translation: SIMD3<Float>

    /// No rotation, no translation.
    public static let identity = HeadPose(rotation: .zero, translation: .zero)

    /// A pose from an axis-angle rotation and a translation.
    public init(rotation: SIMD3<Float> = .zero, translation: SIMD3<Float> = .zero) {
        self.rotation = rotation
        self.translation = translation
    }

    /// A pose from Euler angles in radians, composed as `R_y(yaw) · R_x(pitch) · R_z(roll)`:
    /// positive yaw turns the face toward the subject's left (+x), positive pitch tilts the face
    /// down, positive roll tilts the head toward the subject's right shoulder… as the right-hand
    /// rule about +y, +x and +z gives.
    public init(yaw: Float, pitch: Float = 0, roll: Float = 0, translation: SIMD3<Float> = .zero) {
        let m = RotationMath.matrix(yaw: Double(yaw), pitch: Double(pitch), roll: Double(roll))
        self.init(rotation: SIMD3<Float>(RotationMath.axisAngle(m)), translation: translation)
    }

    /// Throws ``DriveError/nonFinite(parameter:index:)`` if any value is NaN or infinite.
    public func validate(prefix: String = "") throws {
        for i in 0..<3 where !rotation[i].isFinite {
            throw DriveError.nonFinite(parameter: prefix + "rotation", index: i)
        }
        for i in 0..<3 where !translation[i].isFinite {
            throw DriveError.nonFinite(parameter: prefix + "translation", index: i)
        }
    }
}
