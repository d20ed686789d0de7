import Animator

extension FuzzTargets {
    /// What the render thread does with the values a drive frame, a tracker or speech left:
    /// maps them onto each kind of avatar (FLAME jaw and eyes from ARKit weights, ARKit weights
    /// from FLAME poses, the rigid head pose), as every rendered frame does.
    static func render(_ snapshot: DriveSnapshot) {
        for kind in [Avatar.Kind.flame, .blendshape, .rigid] {
            _ = try? snapshot.values.avatarDrive(for: kind)
        }
    }
}
