import Animator
import SplatCore
import SplatIO

/// The latest pose of each level of detail: streams of the same avatar whose frames show the
/// same face (the same tick on the shared tick grid, so the same drive values) render from it
/// instead of posing again — eight views of one head cost one pose per tick, and two frames
/// drawn side by side on two threads share one.
///
/// Shared by the rendering threads. A pose is made under the lock, so a thread that wants the
/// same face waits for it rather than making it twice. A thread renders from a copy of the
/// cloud, which shares its arrays: a later pose into the entry writes in place when no render
/// still reads them, and into fresh arrays (copy on write) when one does.
final class PoseCache: Sendable {
    private struct Entry {
        /// Held, so that its identity cannot be taken by another avatar while the entry exists.
        let level: Avatar
        var values: DriveValues
        var cloud: GaussianCloud
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Entry] = []
        var clock: UInt64 = 0
        var poses: UInt64 = 0
    }

    /// Levels kept at once (each a posed copy of its Gaussians: about 60 bytes a Gaussian for a
    /// base-colour avatar).
    static let capacity = 4
    private let state = Locked(State())

    /// Poses made since start.
    var poses: UInt64 { state.withLock { $0.poses } }

    /// The levels whose poses are kept.
    var levels: [Avatar] { state.withLock { $0.entries.map(\.level) } }

    /// Drops the poses of every level but `levels` (the ones streams render now), so that the
    /// Gaussians of an avatar unloaded or replaced, or of a stream closed, are freed.
    func keep(only levels: [Avatar]) {
        state.withLock { s in s.entries.removeAll { entry in !levels.contains { $0 === entry.level } } }
    }

    /// `level` posed for `values`: the pose kept from a frame that showed the same face, or one
    /// made now with `pose` (into the kept cloud).
    func posed(level: Avatar, values: DriveValues, pose: (inout GaussianCloud) throws -> Void) throws -> GaussianCloud {
        try state.withLock { s in
            s.clock += 1
            if let i = s.entries.firstIndex(where: { $0.level === level }) {
                if s.entries[i].values != values {
                    do { try pose(&s.entries[i].cloud) } catch {
                        s.entries.remove(at: i)  // half posed: not to be taken for either face
                        throw error
                    }
                    s.entries[i].values = values
                    s.poses += 1
                }
                s.entries[i].lastUse = s.clock
                return s.entries[i].cloud
            }
            var cloud = level.makeCloud()
            try pose(&cloud)
            s.poses += 1
            if s.entries.count >= Self.capacity, let oldest = s.entries.indices.min(by: { s.entries[$0].lastUse < s.entries[$1].lastUse }) {
                s.entries.remove(at: oldest)
            }
            s.entries.append(Entry(level: level, values: values, cloud: cloud, lastUse: s.clock))
            return cloud
        }
    }
}
