import Synchronization

/// How much one zip (NPZ) archive may inflate to, for the whole process: the sum of its
/// entries' declared uncompressed sizes. A 2 MB archive can declare (and really hold) 2 GB of
/// zeros; this refuses it before a byte is inflated, so a "decompression bomb" costs nothing.
/// (Inflating stops at the declared size, so an entry cannot lie its way past the limit.)
///
/// The daemon sets it from its configuration (`maximumArchiveBytes`); 512 MiB by default, far
/// above a FLAME rig (about 25 MB inflated) or an avatar's parameters.
public enum ArchiveLimits {
    private static let limit = Atomic<Int>(512 << 20)

    /// The most bytes one archive's entries may inflate to, together.
    public static var maximumUncompressedBytes: Int {
        get { limit.load(ordering: .relaxed) }
        set { limit.store(max(1, newValue), ordering: .relaxed) }
    }
}
