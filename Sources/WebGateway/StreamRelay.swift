import Foundation
import HummingbirdWebSocket
import Logging
import SplatProtocol
import SplatCore
import SwiftProtobuf

/// `/ws/stream/<id>`: relays one stream's frames, voice and the events to a browser.
///
/// Slow browsers get the newest messages (`FrameSubscription` drops older ones). H.264 frames
/// depend on each other, so after a gap in `frame_sequence` frames are held back until a
/// keyframe, which is asked for with `request_keyframe` (as the browser may ask by sending
/// `{"requestKeyframe": true}`).
struct StreamRelay {
    let link: DaemonLink
    let streamID: String
    let logger: Logger

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let link = self.link, streamID = self.streamID
        let subscription = try FrameSubscription(link: link, streamID: streamID)
        defer { subscription.cancel() }
        // A stream that is not open gets a message at once; the socket stays, for when it opens.
        if let reply = try? await link.call(.with { $0.listStreams = .init() }, timeout: 2),
           !reply.streams.streams.contains(where: { $0.streamID == streamID }) {
            try await outbound.write(.text(GatewayReply.error("no stream \(streamID.quotedForMessage) is open: frames come once it is (open_stream)")))
        }
        let requestKeyframe: @Sendable () -> Void = {
            Task { _ = try? await link.call(.with { $0.requestKeyframe = .with { $0.streamID = streamID } }) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // The browser's messages: a keyframe request, or the end.
                for try await message in inbound.messages(maxSize: 4096) {
                    if case .text(let text) = message, text.contains("requestKeyframe") { requestKeyframe() }
                }
                subscription.cancel()
            }
            group.addTask {
                var lastSequence: UInt64?
                var awaitingKeyframe = false
                var toldViews = false
                for await message in subscription.messages {
                    switch message {
                    case let .frame(meta, _) where meta.views > 1:
                        // The page shows one image a frame: views come side by side or not at all.
                        if !toldViews {
                            toldViews = true
                            try await outbound.write(.text(GatewayReply.error(
                                "stream \(streamID.quotedForMessage) sends one image per view (layout views), which this page cannot show: "
                                + "open it with its views side by side (layout side-by-side)")))
                        }
                    case let .frame(meta, image):
                        let gap = lastSequence.map { meta.frameSequence != $0 &+ 1 } ?? false
                        lastSequence = meta.frameSequence
                        if meta.codec == .h264 {
                            if gap && !awaitingKeyframe { awaitingKeyframe = true; requestKeyframe() }
                            if awaitingKeyframe && !meta.keyframe { continue }
                            awaitingKeyframe = false
                        }
                        try await outbound.writeBinaryMessage(try BrowserEnvelope.encode(kind: BrowserEnvelope.frameKind, meta: meta, payload: image))
                    case let .audio(meta, packet):
                        try await outbound.writeBinaryMessage(try BrowserEnvelope.encode(kind: BrowserEnvelope.audioKind, meta: meta, payload: packet))
                    case let .event(event):
                        try await outbound.write(.text("{\"event\":\(try event.jsonString())}"))
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
