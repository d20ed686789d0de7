import SplatCore

/// The avatars and streams of the daemon, shared by the I/O thread (control requests, drive
/// frames), the loader and the render thread, behind one lock.
final class Registry: Sendable {
    private let state = Locked(State())

    private struct State {
        var avatars: [String: AvatarSlot] = [:]
        var avatarOrder: [String] = []
        var streams: [String: StreamSlot] = [:]
        var streamOrder: [String] = []
        var loading: Set<String> = []
        var counter = 0
    }

    func avatar(_ id: String) -> AvatarSlot? {
        state.withLock { $0.avatars[id] }
    }

    var allAvatars: [AvatarSlot] {
        state.withLock { s in
            s.avatarOrder.compactMap { s.avatars[$0] }
        }
    }

    func stream(_ id: String) -> StreamSlot? {
        state.withLock { $0.streams[id] }
    }

    var allStreams: [StreamSlot] {
        state.withLock { s in
            s.streamOrder.compactMap { s.streams[$0] }
        }
    }

    var avatarCount: Int { state.withLock { $0.avatars.count + $0.loading.count } }
    var streamCount: Int { state.withLock { $0.streams.count } }

    /// A fresh id with `prefix` that no avatar or stream uses.
    func makeID(_ prefix: String) -> String {
        state.withLock { s in
            while true {
                s.counter += 1
                let id = "\(prefix)-\(s.counter)"
                if s.avatars[id] == nil && s.streams[id] == nil && !s.loading.contains(id) { return id }
            }
        }
    }

    /// Reserves `id` for a load in progress; false if it is taken (and `replace` is false) or
    /// already being loaded.
    func beginLoad(_ id: String, replace: Bool) -> Bool {
        state.withLock { s in
            if s.loading.contains(id) || (!replace && s.avatars[id] != nil) { return false }
            s.loading.insert(id)
            return true
        }
    }

    func endLoad(_ id: String, _ slot: AvatarSlot?) {
        state.withLock { s in
            s.loading.remove(id)
            guard let slot else { return }
            if s.avatars.updateValue(slot, forKey: id) == nil { s.avatarOrder.append(id) }
        }
    }

    /// Removes an avatar and the streams rendering it; returns them.
    func removeAvatar(_ id: String) -> (avatar: AvatarSlot, closedStreams: [StreamSlot])? {
        state.withLock { s in
            guard let slot = s.avatars.removeValue(forKey: id) else { return nil }
            s.avatarOrder.removeAll { $0 == id }
            let closing = s.streamOrder.compactMap { s.streams[$0] }.filter { $0.settings.avatarID == id }
            for stream in closing { s.streams[stream.id] = nil }
            s.streamOrder.removeAll { sid in closing.contains { $0.id == sid } }
            return (slot, closing)
        }
    }

    func addStream(_ slot: StreamSlot) -> Bool {
        state.withLock { s in
            guard s.streams[slot.id] == nil else { return false }
            s.streams[slot.id] = slot
            s.streamOrder.append(slot.id)
            return true
        }
    }

    func removeStream(_ id: String) -> StreamSlot? {
        state.withLock { s in
            guard let slot = s.streams.removeValue(forKey: id) else { return nil }
            s.streamOrder.removeAll { $0 == id }
            return slot
        }
    }

    /// Tells the watched streams of `avatarID` that new drive input arrived (they render at
    /// once, within their rate); true if any stream is watched, so the scheduler should wake.
    func driveArrived(for avatarID: String) -> Bool {
        var woke = false
        for stream in allStreams where stream.settings.avatarID == avatarID && stream.isWatched {
            stream.driveArrived()
            woke = true
        }
        return woke
    }
}
