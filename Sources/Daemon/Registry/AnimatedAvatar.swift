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
    /// The animator's avatar: rig, bound Gaussians, identity.
    let model: Avatar
    /// Expression vectors per viseme, for speech on FLAME avatars (nil: jaw only).
    let visemeTable: VisemeTable?

    /// Reduced copies for small pictures, made at load (and so made anew by a `replace`).
    let detail: DetailLevels

    init(_ avatar: Avatar, visemeTable: VisemeTable? = nil) throws {
        model = avatar
        detail = try DetailLevels(avatar)
        sceneReach = avatar.kind == .rigid ? avatar.reach : nil
        self.visemeTable = visemeTable
    }

    var kind: Splatd_V1_AvatarKind {
        switch model.kind {
        case .flame: return .gaussianAvatars
        case .blendshape: return .demo
        case .rigid: return .static
        }
    }
    var gaussianCount: Int { model.gaussianCount }
    var vertexCount: Int { model.flameRig?.vertexCount ?? model.blendshapeRig?.vertexCount ?? 0 }
    var triangleCount: Int { model.flameRig?.faceCount ?? model.blendshapeRig?.faceCount ?? 0 }
    var expressionCount: Int { model.flameRig?.expressionCount ?? 0 }
    /// The centre of the head in the avatar's world frame (orbit cameras aim here).
    var headCentre: SIMD3<Float> { model.focus }
    /// For a static scene, how far it reaches from its centre (default cameras keep it in
    /// view); nil for heads, which default cameras see from 1 m.
    let sceneReach: Float?

    /// The camera `settings` ask for, with the orbit aimed at this avatar.
    func camera(for settings: StreamSettings) throws -> Camera {
        try settings.camera(headCentre: headCentre, sceneReach: sceneReach)
    }

    /// The cameras of the stream's views (two for a stereo pair), aimed at this avatar.
    func cameras(for settings: StreamSettings) throws -> [Camera] {
        try settings.cameras(headCentre: headCentre, sceneReach: sceneReach)
    }
    var defaultConvention: Convention { model.renderHints.convention == .inria ? .inria : .gsplat }
    var defaultBackground: SIMD3<Float> { model.renderHints.background }

    /// The avatar to pose for a picture from `camera`: the coarsest level of detail whose
    /// merged Gaussians still span at most a few pixels at the head (``DetailLevels``), or the
    /// full avatar.
    func level(for camera: Camera) -> Avatar { detail.avatar(seenFrom: camera.centre, focalLength: camera.fy) }

    /// The level that suits every one of `cameras`: the finest any of them needs.
    func level(for cameras: [Camera]) -> Avatar {
        cameras.map(level(for:)).max { $0.gaussianCount < $1.gaussianCount } ?? model
    }

    /// Poses `level` (``model`` or one of its ``detail`` levels) into `cloud`.
    func pose(_ values: DriveValues, level: Avatar, into cloud: inout GaussianCloud) throws {
        try level.pose(values.avatarDrive(for: model.kind), into: &cloud)
    }

    /// The memory the avatar and its levels of detail hold, bytes.
    var memoryBytes: Int { model.memoryBytes + detail.memoryBytes }
}
