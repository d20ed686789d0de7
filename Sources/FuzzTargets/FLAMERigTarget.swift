import Animator
import Foundation

extension FuzzTargets {
    /// A FLAME rig file (`splatd-flame-rig/1` npz, `load_avatar`'s `rig_path`): the archive, every
    /// key's dtype and shape, and the rig's own consistency checks (faces, parents, weights).
    static let flameRig = FuzzTarget(
        name: "flame-rig", maximumLength: fileLength,
        summary: "FLAME rig npz (FLAMERig(data:path:): keys, dtypes, shapes, topology checks)",
        seeds: { AnimatorSeeds.rigFile.map { [$0] } ?? [] },
        run: { bytes in _ = try? FLAMERig(data: Data(bytes), path: "fuzz-rig.npz") })
}
