/// The 52 ARKit blendshape names in ARKit's canonical order: the order of
/// `ArkitValues.weights` on the wire and of every ARKit weight vector in the animator.
public enum ARKitNames {
    public static let all: [String] = [
        "eyeBlinkLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft",
        "eyeSquintLeft", "eyeWideLeft", "eyeBlinkRight", "eyeLookDownRight", "eyeLookInRight",
        "eyeLookOutRight", "eyeLookUpRight", "eyeSquintRight", "eyeWideRight", "jawForward",
        "jawLeft", "jawRight", "jawOpen", "mouthClose", "mouthFunnel", "mouthPucker", "mouthLeft",
        "mouthRight", "mouthSmileLeft", "mouthSmileRight", "mouthFrownLeft", "mouthFrownRight",
        "mouthDimpleLeft", "mouthDimpleRight", "mouthStretchLeft", "mouthStretchRight",
        "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthPressLeft",
        "mouthPressRight", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthUpperUpLeft",
        "mouthUpperUpRight", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft",
        "browOuterUpRight", "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "noseSneerLeft",
        "noseSneerRight", "tongueOut",
    ]

    /// Index of each name in `all`.
    public static let index: [String: Int] = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1, $0) })

    /// MediaPipe's Face Landmarker reports this score before the 52 shapes; it is no shape and
    /// is ignored wherever names are read.
    public static let mediaPipeNeutral = "_neutral"

    private static let lowercased: [String: Int] = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1.lowercased(), $0) })

    /// The index of `name` compared without regard to case (`JawOpen`, as Live Link Face's CSV
    /// headers write it, is `jawOpen`), or nil if it is not an ARKit name.
    public static func index(matching name: String) -> Int? {
        index[name] ?? lowercased[name.lowercased()]
    }
}
