import Foundation

extension FuzzTargets {
    /// A GaussianAvatars `flame_param.npz` (next to a client's `point_cloud.ply`): the identity
    /// (`shape`, `static_offset`) fitted to a small rig, and the recorded motion with every
    /// frame's parameters read back, as `GaussianAvatarsFolder.load` and playback do.
    static let flameParam = FuzzTarget(
        name: "flame-param", maximumLength: fileLength,
        summary: "GaussianAvatars flame_param.npz (identity for a rig, FLAMEMotion and its frames)",
        seeds: { AnimatorSeeds.flameParam.map { [$0] } ?? [] },
        run: { bytes in AnimatorInternals.readFLAMEParam(Data(bytes)) })
}
