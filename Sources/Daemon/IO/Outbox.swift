import SplatCore
import ZeroMQ

/// Messages waiting for the I/O thread, which owns the sockets. Other threads put messages
/// here and signal the wake-up; the I/O thread drains it after every poll.
///
/// Frames that decode on their own (JPEG, PNG, raw) are kept at most one per stream: a newer
/// frame replaces one not yet sent, so a slow I/O thread can never make viewers receive stale
/// frames from a queue. H.264 frames depend on the ones before, so they queue (up to
/// ``maximumChainedFrames`` per stream); beyond that the queue is dropped and the stream's
/// next frame is a keyframe.
final class Outbox: Sendable {
    struct Frame: Sendable {
        let stream: StreamSlot
        let meta: [UInt8]
        /// The encoded image, or one per view (`LAYOUT_VIEWS`).
        let images: [ZMQOwnedBuffer]
        /// Sender time of the drive frame first shown in this frame (for latency), if any.
        let driveSenderTimeUs: UInt64?
        /// Part of a chain of frames that decode only together (H.264).
        var chained = false
    }

    /// Most H.264 frames queued for one stream.
    static let maximumChainedFrames = 30

    enum Item: Sendable {
        case reply(envelope: [[UInt8]], body: [UInt8])
        case event([UInt8])
    }

    private let queued = Locked(Queued())
    let wakeup: ZMQWakeup

    private struct Queued {
        var frames: [String: [Frame]] = [:]
        var frameOrder: [String] = []
        var items: [Item] = []
    }

    init() throws {
        wakeup = try ZMQWakeup()
    }

    func post(_ frame: Frame) {
        let dropped = queued.withLock { q -> Int in
            guard let waiting = q.frames[frame.stream.id] else {
                q.frames[frame.stream.id] = [frame]
                q.frameOrder.append(frame.stream.id)
                return 0
            }
            if !frame.chained {
                q.frames[frame.stream.id] = [frame]
                return waiting.count
            }
            if waiting.count < Self.maximumChainedFrames {
                q.frames[frame.stream.id]!.append(frame)
                return 0
            }
            q.frames[frame.stream.id] = []
            return waiting.count + 1
        }
        for _ in 0..<dropped { frame.stream.recordReplaced() }
        if dropped > 0 && frame.chained { frame.stream.keyframeWanted() }
        wakeup.signal()
    }

    func post(_ item: Item) {
        queued.withLock { $0.items.append(item) }
        wakeup.signal()
    }

    /// Takes everything queued, replies and events first.
    func drain() -> (items: [Item], frames: [Frame]) {
        queued.withLock { q in
            let out = (q.items, q.frameOrder.flatMap { q.frames[$0] ?? [] })
            q.items.removeAll(keepingCapacity: true)
            q.frames.removeAll(keepingCapacity: true)
            q.frameOrder.removeAll(keepingCapacity: true)
            return out
        }
    }
}
