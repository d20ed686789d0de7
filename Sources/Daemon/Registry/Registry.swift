import Foundation

/// The avatars and streams of the daemon, shared by the I/O thread (control requests, drive
/// frames), the loader and the render thread.
final class Registry: @unchecked Sendable {
    private let lock = NSLock()
    private var avatars: [String: AvatarSlot] = [:]
    private var avatarOrder: [String] = []
    private var streams: [String: StreamSlot] = [:]
    private var streamOrder: [String] = []
    private var loading: Set<String> = []
    private var counter = 0

    func avatar(_ id: String) -> AvatarSlot? {
        lock.lock(); defer { lock.unlock() }
        return avatars[id]
    }

    var allAvatars: [AvatarSlot] {
        lock.lock(); defer { lock.unlock() }
        return avatarOrder.compactMap { avatars[$0] }
    }

    func stream(_ id: String) -> StreamSlot? {
        lock.lock(); defer { lock.unlock() }
        return streams[id]
    }

    var allStreams: [StreamSlot] {
        lock.lock(); defer { lock.unlock() }
        return streamOrder.compactMap { streams[$0] }
    }

    var avatarCount: Int { lock.lock(); defer { lock.unlock() }; return avatars.count + loading.count }
    var streamCount: Int { lock.lock(); defer { lock.unlock() }; return streams.count }

    /// A fresh id with `prefix` that no avatar or stream uses.
    func makeID(_ prefix: String) -> String {
        lock.lock(); defer { lock.unlock() }
        while true {
            counter += 1
            let id = "\(prefix)-\(counter)"
            if avatars[id] == nil && streams[id] == nil && !loading.contains(id) { return id }
        }
    }

    /// Reserves `id` for a load in progress; false if it is taken (and `replace` is false) or
    /// already being loaded.
    func beginLoad(_ id: String, replace: Bool) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if loading.contains(id) || (!replace && avatars[id] != nil) { return false }
        loading.insert(id)
        return true
    }

    func endLoad(_ id: String, _ slot: AvatarSlot?) {
        lock.lock(); defer { lock.unlock() }
        loading.remove(id)
        guard let slot else { return }
        if avatars.updateValue(slot, forKey: id) == nil { avatarOrder.append(id) }
    }

    /// Removes an avatar and the streams rendering it; returns them.
    func removeAvatar(_ id: String) -> (avatar: AvatarSlot, closedStreams: [StreamSlot])? {
        lock.lock(); defer { lock.unlock() }
        guard let slot = avatars.removeValue(forKey: id) else { return nil }
        avatarOrder.removeAll { $0 == id }
        let closing = streamOrder.compactMap { streams[$0] }.filter { $0.settings.avatarID == id }
        for s in closing { streams[s.id] = nil }
        streamOrder.removeAll { sid in closing.contains { $0.id == sid } }
        return (slot, closing)
    }

    func addStream(_ slot: StreamSlot) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard streams[slot.id] == nil else { return false }
        streams[slot.id] = slot
        streamOrder.append(slot.id)
        return true
    }

    func removeStream(_ id: String) -> StreamSlot? {
        lock.lock(); defer { lock.unlock() }
        guard let slot = streams.removeValue(forKey: id) else { return nil }
        streamOrder.removeAll { $0 == id }
        return slot
    }
}
