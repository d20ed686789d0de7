import Foundation
import ZeroMQ

/// Messages waiting for the I/O thread, which owns the sockets. Other threads put messages
/// here and signal the wake-up; the I/O thread drains it after every poll.
///
/// Frames are kept at most one per stream: a newer frame replaces one not yet sent, so a
/// slow I/O thread can never make viewers receive stale frames from a queue.
final class Outbox: @unchecked Sendable {
    struct Frame {
        let stream: StreamSlot
        let meta: [UInt8]
        let image: ZMQOwnedBuffer
        /// Sender time of the drive frame first shown in this frame (for latency), if any.
        let driveSenderTimeUs: UInt64?
    }

    enum Item {
        case reply(envelope: [[UInt8]], body: [UInt8])
        case event([UInt8])
    }

    private let lock = NSLock()
    private var frames: [String: Frame] = [:]
    private var frameOrder: [String] = []
    private var items: [Item] = []
    let wakeup: ZMQWakeup

    init() throws {
        wakeup = try ZMQWakeup()
    }

    func post(_ frame: Frame) {
        lock.lock()
        if frames.updateValue(frame, forKey: frame.stream.id) != nil {
            frame.stream.recordReplaced()
        } else {
            frameOrder.append(frame.stream.id)
        }
        lock.unlock()
        wakeup.signal()
    }

    func post(_ item: Item) {
        lock.lock()
        items.append(item)
        lock.unlock()
        wakeup.signal()
    }

    /// Takes everything queued, replies and events first.
    func drain() -> (items: [Item], frames: [Frame]) {
        lock.lock(); defer { lock.unlock() }
        let out = (items, frameOrder.compactMap { frames[$0] })
        items.removeAll(keepingCapacity: true)
        frames.removeAll(keepingCapacity: true)
        frameOrder.removeAll(keepingCapacity: true)
        return out
    }
}
