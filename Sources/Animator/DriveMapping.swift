import AnimatorKernels
import Foundation

/// The cross-mapping that lets any avatar be driven by either kind of drive.
///
/// **ARKit → FLAME avatar** (``flame(from:)``); everything else in the 52 weights has no FLAME
/// pose meaning and is ignored (FLAME expression coefficients are a PCA basis, not named
/// shapes), so the expression stays neutral:
/// - `jaw` = (``jawOpenAngle`` · jawOpen, ``jawSideAngle`` · (jawLeft − jawRight), 0);
/// - eyes: yaw = ``eyeYawAngle`` · (lookOut − lookIn) for the left eye and (lookIn − lookOut)
///   for the right eye (positive yaw looks toward +x), pitch = ``eyeDownAngle`` · lookDown −
///   ``eyeUpAngle`` · lookUp (positive pitch looks down); rotation `R_y(yaw) · R_x(pitch)`;
/// - `rotation` = head pose rotation, `translation` = head pose translation; neck zero;
/// - eye rotations given as angles (``ARKitParameters/eyes``) are used as they are.
///
/// **FLAME → blendshape avatar** (the demo head), ``arkit(from:)``:
/// - jawOpen = jaw.x / ``jawOpenAngle``, jawLeft/Right = ±jaw.y / ``jawSideAngle`` (clamped 0…1);
/// - head pose = `R(rotation) · R(neck)` about the rig's head pivot, plus `translation`;
/// - the eyes rotate rigidly by `eyes_pose` (exact), and the eyelids follow through the
///   `eyeLook*` targets' eyelid entries, with weights from the gaze angles and the demo head's
///   own calibration (at weight 1: up 9.8°, down 11.4°, in 15.4°, out 15.0°);
/// - eyelids (if sent) → eyeBlinkLeft / eyeBlinkRight;
/// - expression coefficients are ignored (they have no ARKit meaning).
///
/// **Static scenes** follow the head pose only: ARKit's head pose, or FLAME's
/// `R(rotation) · R(neck)` and `translation`.
public enum DriveMapping {
    /// FLAME jaw pitch (radians) at jawOpen = 1.
    public static let jawOpenAngle: Float = 0.5
    /// FLAME jaw yaw (radians) at jawLeft or jawRight = 1.
    public static let jawSideAngle: Float = 0.1
    /// Eye yaw (radians) at eyeLookIn/Out = 1 (ARKit → FLAME).
    public static let eyeYawAngle: Float = 0.45
    /// Eye pitch (radians) at eyeLookUp = 1 (ARKit → FLAME).
    public static let eyeUpAngle: Float = 0.35
    /// Eye pitch (radians) at eyeLookDown = 1 (ARKit → FLAME).
    public static let eyeDownAngle: Float = 0.35

    /// The demo head's eyeLook calibration (radians at weight 1): up, down, in, out.
    static let demoEyeLook = (up: Float(9.8 * .pi / 180), down: Float(11.4 * .pi / 180),
                              inward: Float(15.4 * .pi / 180), out: Float(15.0 * .pi / 180))

    private static let index = (
        jawOpen: ARKitParameters.index(of: "jawOpen")!, jawLeft: ARKitParameters.index(of: "jawLeft")!,
        jawRight: ARKitParameters.index(of: "jawRight")!,
        blinkL: ARKitParameters.index(of: "eyeBlinkLeft")!, blinkR: ARKitParameters.index(of: "eyeBlinkRight")!,
        downL: ARKitParameters.index(of: "eyeLookDownLeft")!, inL: ARKitParameters.index(of: "eyeLookInLeft")!,
        outL: ARKitParameters.index(of: "eyeLookOutLeft")!, upL: ARKitParameters.index(of: "eyeLookUpLeft")!,
        downR: ARKitParameters.index(of: "eyeLookDownRight")!, inR: ARKitParameters.index(of: "eyeLookInRight")!,
        outR: ARKitParameters.index(of: "eyeLookOutRight")!, upR: ARKitParameters.index(of: "eyeLookUpRight")!
    )

    /// FLAME parameters for ARKit weights (see the type's documentation).
    public static func flame(from arkit: ARKitParameters) -> FLAMEParameters {
        let w = arkit.weights, i = index
        let jaw = SIMD3<Float>(jawOpenAngle * w[i.jawOpen], jawSideAngle * (w[i.jawLeft] - w[i.jawRight]), 0)
        let pitchL = eyeDownAngle * w[i.downL] - eyeUpAngle * w[i.upL]
        let pitchR = eyeDownAngle * w[i.downR] - eyeUpAngle * w[i.upR]
        let yawL = eyeYawAngle * (w[i.outL] - w[i.inL])
        let yawR = eyeYawAngle * (w[i.inR] - w[i.outR])
        return FLAMEParameters(rotation: arkit.headPose.rotation, jaw: jaw,
                               leftEye: arkit.eyes?.left ?? gaze(yaw: yawL, pitch: pitchL),
                               rightEye: arkit.eyes?.right ?? gaze(yaw: yawR, pitch: pitchR),
                               translation: arkit.headPose.translation)
    }

    /// ARKit weights, head pose and rigid eye rotations for FLAME parameters (see the type's
    /// documentation). The eyeLook weights returned are meant to be applied with rigid eyes
    /// (they move only the eyelids then).
    public static func arkit(from flame: FLAMEParameters) -> (parameters: ARKitParameters, eyes: (left: SIMD3<Float>, right: SIMD3<Float>)) {
        var parameters = ARKitParameters()
        parameters.weights.withUnsafeMutableBufferPointer { fill(from: flame, weights: $0.baseAddress!) }
        parameters.headPose = headPose(from: flame)
        return (parameters, (flame.leftEye, flame.rightEye))
    }

    /// Writes the 52 canonical ARKit weights for `flame` (no allocation).
    static func fill(from flame: FLAMEParameters, weights w: UnsafeMutablePointer<Float>) {
        w.initialize(repeating: 0, count: ARKitParameters.count)
        let i = index
        func unit(_ x: Float) -> Float { min(max(x, 0), 1) }
        w[i.jawOpen] = unit(flame.jaw.x / jawOpenAngle)
        w[i.jawLeft] = unit(flame.jaw.y / jawSideAngle)
        w[i.jawRight] = unit(-flame.jaw.y / jawSideAngle)
        if let lids = flame.eyelids {
            w[i.blinkL] = unit(lids.x)
            w[i.blinkR] = unit(lids.y)
        }
        let c = demoEyeLook
        let (yawL, pitchL) = gazeAngles(flame.leftEye)
        let (yawR, pitchR) = gazeAngles(flame.rightEye)
        w[i.outL] = unit(yawL / c.out); w[i.inL] = unit(-yawL / c.inward)
        w[i.inR] = unit(yawR / c.inward); w[i.outR] = unit(-yawR / c.out)
        w[i.downL] = unit(pitchL / c.down); w[i.upL] = unit(-pitchL / c.up)
        w[i.downR] = unit(pitchR / c.down); w[i.upR] = unit(-pitchR / c.up)
    }

    /// The head pose a FLAME frame gives a rigidly moving head: `R(rotation) · R(neck)`, `translation`.
    public static func headPose(from flame: FLAMEParameters) -> HeadPose {
        if flame.neck == .zero { return HeadPose(rotation: flame.rotation, translation: flame.translation) }
        let m = RotationMath.rodrigues(flame.rotation) * RotationMath.rodrigues(flame.neck)
        return HeadPose(rotation: SIMD3<Float>(RotationMath.axisAngle(m)), translation: flame.translation)
    }

    /// Axis-angle of `R_y(yaw) · R_x(pitch)`.
    static func gaze(yaw: Float, pitch: Float) -> SIMD3<Float> {
        if yaw == 0 { return SIMD3(pitch, 0, 0) }
        if pitch == 0 { return SIMD3(0, yaw, 0) }
        return SIMD3<Float>(RotationMath.axisAngle(RotationMath.matrix(yaw: Double(yaw), pitch: Double(pitch), roll: 0)))
    }

    /// Yaw (toward +x) and pitch (downward) of the direction an eye rotated by `r` looks in.
    static func gazeAngles(_ r: SIMD3<Float>) -> (yaw: Float, pitch: Float) {
        if r == .zero { return (0, 0) }
        let m = RotationMath.rodrigues(r)
        let d = SIMD3(m.r0.z, m.r1.z, m.r2.z)  // R · (0, 0, 1)
        return (Float(Foundation.atan2(d.x, d.z)), Float(Foundation.atan2(-d.y, (d.x * d.x + d.z * d.z).squareRoot())))
    }
}
