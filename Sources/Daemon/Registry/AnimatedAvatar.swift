import Animator
import Foundation
import Rasterizer
import SplatIO
import SplatProtocol

/// An Animator avatar (demo head, GaussianAvatars folder, or static scene) as the daemon
/// drives it: drive values are turned into the avatar's native vocabulary each frame.
final class AnimatedAvatar: DaemonAvatar, @unchecked Sendable {
    let avatar: Avatar
    let visemeTable: VisemeTable?

    init(_ avatar: Avatar, visemeTable: VisemeTable? = nil) {
        self.avatar = avatar
        self.visemeTable = visemeTable
    }

    var kind: Splatd_V1_AvatarKind {
        switch avatar.kind {
        case .flame: return .gaussianAvatars
        case .blendshape: return .demo
        case .rigid: return .static
        }
    }
    var gaussianCount: Int { avatar.gaussianCount }
    var vertexCount: Int { avatar.flameRig?.vertexCount ?? avatar.blendshapeRig?.vertexCount ?? 0 }
    var triangleCount: Int { avatar.flameRig?.faceCount ?? avatar.blendshapeRig?.faceCount ?? 0 }
    var expressionCount: Int { avatar.flameRig?.expressionCount ?? 0 }
    var headCentre: SIMD3<Float> { avatar.focus }
    var defaultConvention: Convention { avatar.renderHints.convention == .inria ? .inria : .gsplat }
    var defaultBackground: SIMD3<Float> { avatar.renderHints.background }

    func makePoseBuffer() -> GaussianCloud { avatar.makeCloud() }

    func pose(_ values: DriveValues, into cloud: inout GaussianCloud) throws {
        try avatar.pose(drive(values), into: &cloud)
    }

    /// The drive in the vocabulary the values came in (or the avatar's own when undriven).
    func drive(_ v: DriveValues) throws -> AvatarDrive {
        let useARKit = switch v.vocabulary {
        case .arkit: true
        case .flame: false
        case .none: avatar.kind == .blendshape
        }
        if useARKit {
            return .arkit(try ARKitParameters(weights: v.arkit, headPose: HeadPose(rotation: v.rotation, translation: v.translation)))
        }
        return .flame(FLAMEParameters(expression: v.expression, rotation: v.rotation, neck: v.neck, jaw: v.jaw,
                                      leftEye: v.leftEye, rightEye: v.rightEye, translation: v.translation,
                                      eyelids: v.eyelids))
    }
}
