import Animator
import SplatIO
import Synchronization

/// The poses one thread made last, one per level of detail: streams of the same avatar whose
/// frames show the same face (the same tick on the shared tick grid, so the same drive values)
/// render from it instead of posing again — eight views of one head cost one pose per tick.
///
/// Each rendering thread has its own, so a pose is never rewritten while another thread reads
/// it. Not thread-safe: one thread only.
final class PoseCache: @unchecked Sendable {
    private struct Entry {
        /// Held, so that its identity cannot be taken by another avatar while the entry exists.
        let level: Avatar
        var values: DriveValues
        var cloud: GaussianCloud
        var lastUse: UInt64
    }

    /// Levels kept at once (each a posed copy of its Gaussians: about 60 bytes a Gaussian for a
    /// base-colour avatar).
    static let capacity = 4
    private var entries: [Entry] = []
    private var clock: UInt64 = 0
    /// Poses made, counted for every thread's cache together.
    private let poses: PoseCount

    /// A cache that counts its poses in `poses`.
    init(counting poses: PoseCount) { self.poses = poses }

    /// Calls `body` with `level` posed for `values`: the pose kept from a frame that showed the
    /// same face, or one made now with `pose` (into the kept cloud, in place).
    func withPose<Result>(level: Avatar, values: DriveValues, pose: (inout GaussianCloud) throws -> Void,
                          _ body: (GaussianCloud) throws -> Result) throws -> Result {
        clock += 1
        let index: Int
        if let i = entries.firstIndex(where: { $0.level === level }) {
            index = i
            if entries[i].values != values {
                do { try pose(&entries[i].cloud) } catch {
                    entries.remove(at: i)  // half posed: not to be taken for either face
                    throw error
                }
                entries[i].values = values
                poses.add()
            }
        } else {
            var cloud = level.makeCloud()
            try pose(&cloud)
            poses.add()
            if entries.count >= Self.capacity, let oldest = entries.indices.min(by: { entries[$0].lastUse < entries[$1].lastUse }) {
                entries.remove(at: oldest)
            }
            entries.append(Entry(level: level, values: values, cloud: cloud, lastUse: clock))
            index = entries.count - 1
        }
        entries[index].lastUse = clock
        return try body(entries[index].cloud)
    }
}

/// Poses made by the render threads, for `status`.
final class PoseCount: Sendable {
    private let count = Atomic<UInt64>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: UInt64 { count.load(ordering: .relaxed) }
}
