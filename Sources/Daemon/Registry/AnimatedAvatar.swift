import Animator
import Foundation
import Rasterizer
import SplatIO
import SplatProtocol

/// A loaded avatar (demo head, GaussianAvatars folder, or static scene) as the daemon drives
/// it: its facts for clients, and drive values turned into its native vocabulary and posed into
/// world-space Gaussians each frame. Posing is serialised by the Animator's own lock; the facts
/// are immutable, so the I/O thread may read them while the render thread poses.
final class AnimatedAvatar: Sendable {
    let avatar: Avatar
    /// Expression vectors per viseme, for speech on FLAME avatars (nil: jaw only).
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
    /// The centre of the head in the avatar's world frame (orbit cameras aim here).
    var headCentre: SIMD3<Float> { avatar.focus }
    var defaultConvention: Convention { avatar.renderHints.convention == .inria ? .inria : .gsplat }
    var defaultBackground: SIMD3<Float> { avatar.renderHints.background }

    /// A cloud of the right size to pose into.
    func makePoseBuffer() -> GaussianCloud { avatar.makeCloud() }

    func pose(_ values: DriveValues, into cloud: inout GaussianCloud) throws {
        try avatar.pose(values.avatarDrive(for: avatar.kind), into: &cloud)
    }
}
