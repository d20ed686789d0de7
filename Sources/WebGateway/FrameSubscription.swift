import Foundation
import SplatCore
import SplatProtocol
import ZeroMQ

/// One browser viewer's subscription to a stream on the daemon's frames endpoint: its frames,
/// its voice and the events, read by a thread of its own and handed to the WebSocket as
/// `GatewayMessage`s.
///
/// The receive queue is small and the hand-over keeps only the newest messages (a slow browser
/// must see now, not what queued up); `StreamRelay` resumes H.264 at a keyframe after a gap.
final class FrameSubscription: Sendable {
    /// Messages waiting for the WebSocket before the oldest are dropped.
    static let buffered = 8

    let messages: AsyncStream<GatewayMessage>
    private let continuation: AsyncStream<GatewayMessage>.Continuation
    private let stopping = Locked(false)
    private let done = DispatchSemaphore(value: 0)

    init(link: DaemonLink, streamID: String) throws {
        let socket = try link.context.socket(.sub)
        try socket.set(.linger, .zero)
        try socket.set(.receiveHighWaterMark, 4)
        try socket.set(.receiveTimeout, .milliseconds(250))
        try link.configuration.keys?.secure(socket)
        try socket.connect(link.configuration.frames)
        let topics = [Topic.frames(streamID), Topic.audio(streamID), Topic.events]
        for topic in topics { try socket.subscribe(Array(topic.utf8)) }
        (messages, continuation) = AsyncStream.makeStream(of: GatewayMessage.self, bufferingPolicy: .bufferingNewest(Self.buffered))
        let exact = Set(topics.map { Array($0.utf8) })
        // Only the thread uses the socket from here on; the box carries it across.
        let owned = Locked(socket)
        let thread = Thread { [continuation, stopping, done] in
            defer { owned.withLock { $0.close() }; continuation.finish(); done.signal() }
            while !stopping.withLock({ $0 }) {
                guard let message = owned.withLock({ try? $0.receiveMultipart() }), let topic = message.first,
                      exact.contains(topic) else { continue }  // timeout, or a prefix match (frames/cam2)
                if let m = GatewayMessage(message) { continuation.yield(m) }
            }
        }
        thread.name = "splatd-web-viewer"
        thread.start()
    }

    /// Ends the subscription (its thread notices within 250 ms).
    func cancel() {
        stopping.withLock { $0 = true }
    }
}

/// A message from the frames endpoint, decoded for the browser.
enum GatewayMessage: Sendable {
    case frame(Splatd_V1_FrameMeta, [UInt8])
    case audio(Splatd_V1_AudioMeta, [UInt8])
    case event(Splatd_V1_Event)

    /// Decodes `[topic][meta][payload]…` or `["events"][Event]`; nil for anything malformed.
    init?(_ parts: [[UInt8]]) {
        guard let topic = parts.first.map({ String(decoding: $0, as: UTF8.self) }) else { return nil }
        if topic == Topic.events, parts.count == 2, let event = try? Splatd_V1_Event(serializedBytes: parts[1]) {
            self = .event(event)
        } else if topic.hasPrefix("frames/"), parts.count >= 3, let meta = try? Splatd_V1_FrameMeta(serializedBytes: parts[1]) {
            // A frame of several views (LAYOUT_VIEWS) keeps only its first image; `meta.views` says so.
            self = .frame(meta, parts[2])
        } else if topic.hasPrefix("audio/"), parts.count == 3, let meta = try? Splatd_V1_AudioMeta(serializedBytes: parts[1]) {
            self = .audio(meta, parts[2])
        } else {
            return nil
        }
    }
}
