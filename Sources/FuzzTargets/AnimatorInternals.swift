import Foundation

// `flame_param.npz` is read by `GaussianAvatarsFolder.load` from a folder only, through the
// Animator's internal `ArrayFile`, `identity(from:rig:)` and `FLAMEMotion(file:)`: reached with
// `@testable import`, as DaemonValidation.swift reaches the daemon's checks (same condition,
// same stubs in a build without testability).
#if SPLATD_DAEMON_TESTABLE
@testable import Animator

enum AnimatorInternals {
    /// The small synthetic rig of the seeds, for the identity to be fitted to.
    static let rig: FLAMERig? = try? AnimatorSeeds.arrays.rig()

    static func readFLAMEParam(_ data: Data) {
        guard let rig, let file = try? ArrayFile(data: data, path: "fuzz/flame_param.npz") else { return }
        _ = try? GaussianAvatarsFolder.identity(from: file, rig: rig)
        guard GaussianAvatarsFolder.hasMotion(file), let motion = try? FLAMEMotion(file: file) else { return }
        var parameters = FLAMEParameters()
        for frame in 0..<min(motion.frameCount, 64) { motion.parameters(at: frame, into: &parameters) }
    }
}
#else

enum AnimatorInternals {
    static func readFLAMEParam(_ data: Data) {}
}
#endif
