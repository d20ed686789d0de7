#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One message from a socket monitor: what happened, and on which endpoint.
public struct ZMQMonitorMessage: Hashable, Sendable {
    /// The decoded event.
    public let event: ZMQMonitorEvent
    /// The endpoint it concerns, e.g. `tcp://127.0.0.1:41234`.
    public let endpoint: String

    /// Creates a message from its parts.
    public init(event: ZMQMonitorEvent, endpoint: String) {
        self.event = event
        self.endpoint = endpoint
    }

    /// Decodes the two frames libzmq sends (monitor protocol v1): frame 1 holds a 16-bit
    /// event code and a 32-bit value in native byte order, frame 2 the endpoint.
    ///
    /// - Throws: `ZMQError` (`EPROTO`) for any other shape.
    public init(frames: [[UInt8]]) throws {
        guard frames.count == 2, frames[0].count == 6 else {
            throw ZMQError(errno: EPROTO, operation: "decode monitor event",
                           message: "expected 2 frames with a 6-byte header, got \(frames.map(\.count))")
        }
        let (code, value) = frames[0].withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt16.self), raw.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        }
        self.init(event: ZMQMonitorEvent(code: code, value: value), endpoint: String(decoding: frames[1], as: UTF8.self))
    }
}
