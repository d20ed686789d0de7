import Animator
import Foundation
import SplatCore

/// What Live Link Face sends, and how splatd reads it.
public enum LiveLinkFace {
    /// The values of a datagram (and the columns of the app's CSV export after `Timecode` and
    /// `BlendShapeCount`): ARKit's 52 blendshapes in the app's order — which is not ARKit's
    /// canonical order: `JawRight` comes before `JawLeft` and `MouthRight` before `MouthLeft` —
    /// then the head's and the eyes' angles.
    public static let names: [String] = [
        "EyeBlinkLeft", "EyeLookDownLeft", "EyeLookInLeft", "EyeLookOutLeft", "EyeLookUpLeft", "EyeSquintLeft",
        "EyeWideLeft", "EyeBlinkRight", "EyeLookDownRight", "EyeLookInRight", "EyeLookOutRight", "EyeLookUpRight",
        "EyeSquintRight", "EyeWideRight", "JawForward", "JawRight", "JawLeft", "JawOpen", "MouthClose",
        "MouthFunnel", "MouthPucker", "MouthRight", "MouthLeft", "MouthSmileLeft", "MouthSmileRight",
        "MouthFrownLeft", "MouthFrownRight", "MouthDimpleLeft", "MouthDimpleRight", "MouthStretchLeft",
        "MouthStretchRight", "MouthRollLower", "MouthRollUpper", "MouthShrugLower", "MouthShrugUpper",
        "MouthPressLeft", "MouthPressRight", "MouthLowerDownLeft", "MouthLowerDownRight", "MouthUpperUpLeft",
        "MouthUpperUpRight", "BrowDownLeft", "BrowDownRight", "BrowInnerUp", "BrowOuterUpLeft", "BrowOuterUpRight",
        "CheekPuff", "CheekSquintLeft", "CheekSquintRight", "NoseSneerLeft", "NoseSneerRight", "TongueOut",
        "HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll", "RightEyeYaw",
        "RightEyePitch", "RightEyeRoll",
    ]

    /// The blendshapes come first.
    public static let blendshapeCount = 52

    /// For each of the first 52 values, its index in ARKit's canonical order (`ARKitNames.all`).
    public static let arkitIndex: [Int] = names.prefix(blendshapeCount).map { ARKitNames.index(matching: $0)! }

    /// Radians per unit of the head angles: the app reports about ±1 for a quarter turn.
    public static let radiansPerUnit = Float.pi / 2
}

extension LiveLinkPacket {
    /// The drive frame this datagram stands for: all 52 weights (so it sets every part of the
    /// face) and, when the packet has them, the head's yaw, pitch and roll as the head rotation.
    ///
    /// Head angles, ±1 = ±90°: yaw turns the face toward the subject's left, pitch tilts it down,
    /// roll toward the subject's right shoulder (the axes of the drive protocol). The eye angles
    /// are not used: the app derives them from the `EyeLook*` weights, which carry the same gaze
    /// to every kind of avatar.
    public var driveInput: DriveInput {
        var weights = [Float](repeating: 0, count: ARKitNames.all.count)
        for (i, target) in LiveLinkFace.arkitIndex.enumerated() { weights[target] = values[i] }
        var head: SIMD3<Float>?
        if values.count > LiveLinkFace.blendshapeCount {
            let yaw = values[52] * LiveLinkFace.radiansPerUnit, pitch = values[53] * LiveLinkFace.radiansPerUnit
            let roll = values[54] * LiveLinkFace.radiansPerUnit
            head = HeadPose(yaw: yaw, pitch: pitch, roll: roll).rotation
        }
        return .arkit(.init(weights: weights, headRotation: head))
    }

    /// The datagram's bytes, exactly as the app lays them out.
    public var bytes: [UInt8] {
        var out: [UInt8] = [version]
        func u32(_ v: UInt32) { out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func string(_ s: String) { u32(UInt32(s.utf8.count)); out += Array(s.utf8) }
        string(deviceID)
        string(subject)
        u32(UInt32(bitPattern: frame))
        u32(subFrame.bitPattern)
        u32(UInt32(bitPattern: frameRate.numerator))
        u32(UInt32(bitPattern: frameRate.denominator))
        out.append(UInt8(clamping: values.count))
        for v in values { u32(v.bitPattern) }
        return out
    }
}
