import Animator
import Foundation

/// Valid Animator inputs to start from: a small synthetic rig file, a `flame_param.npz` that
/// fits it, PARAMS.json drives.
enum AnimatorSeeds {
    /// A tiny rig (11 vertices, 4 shape and 5 expression components): its file is a 9 KB seed,
    /// and `flame-param` fits identities to it.
    static let arrays = SyntheticFLAME.arrays(rings: 3, segments: 3, shapeCount: 4, expressionCount: 5)

    static var rigFile: [UInt8]? { (try? arrays.npz()).map { [UInt8]($0) } }

    static var flameParam: [UInt8]? {
        (try? SyntheticFLAME.flameParam(vertexCount: arrays.vertexCount, shapeCount: 4, expressionCount: 5, frames: 2))
            .map { [UInt8]($0) }
    }

    static var paramsJSON: [[UInt8]] {
        [
            "{}",
            #"{"expr": [0.5, -0.25, 1], "jaw_pose": [[0.2, 0, 0]], "eyes_pose": [0, 0.1, 0, 0, 0.1, 0], "eyelids": [0.1, 0.2]}"#,
            #"{"arkit": {"jawOpen": 0.8, "eyeBlinkLeft": 1}, "rotation": [0, 0.3, 0], "translation": [0, 0, 0.01]}"#,
        ].map { Array($0.utf8) }
    }
}
