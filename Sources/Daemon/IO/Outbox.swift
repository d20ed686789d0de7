import SplatCore
import ZeroMQ

/// Messages waiting for the I/O thread, which owns the sockets. Other threads put messages
/// here and signal the wake-up; the I/O thread drains it after every poll.
///
/// Frames are kept at most one per stream: a newer frame replaces one not yet sent, so a
/// slow I/O thread can never make viewers receive stale frames from a queue.
final class Outbox: Sendable {
    struct Frame: Sendable {
        let stream: StreamSlot
        let meta: [UInt8]
        let image: ZMQOwnedBuffer
        /// Sender time of the drive frame first shown in this frame (for latency), if any.
        let driveSenderTimeUs: UInt64?
    }

    enum Item: Sendable {
        case reply(envelope: [[UInt8]], body: [UInt8])
        case event([UInt8])
    }

    private let queued = Locked(Queued())
    let wakeup: ZMQWakeup

    private struct Queued {
        var frames: [String: Frame] = [:]
        var frameOrder: [String] = []
        var items: [Item] = []
    }

    init() throws {
        wakeup = try ZMQWakeup()
    }

    func post(_ frame: Frame) {
        let replaced = queued.withLock {
            if $0.frames.updateValue(frame, forKey: frame.stream.id) != nil { return true }
            $0.frameOrder.append(frame.stream.id)
            return false
        }
        if replaced { frame.stream.recordReplaced() }
        wakeup.signal()
    }

    func post(_ item: Item) {
        queued.withLock { $0.items.append(item) }
        wakeup.signal()
    }

    /// Takes everything queued, replies and events first.
    func drain() -> (items: [Item], frames: [Frame]) {
        queued.withLock { q in
            let out = (q.items, q.frameOrder.compactMap { q.frames[$0] })
            q.items.removeAll(keepingCapacity: true)
            q.frames.removeAll(keepingCapacity: true)
            q.frameOrder.removeAll(keepingCapacity: true)
            return out
        }
    }
}
