import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ZMQSocket {
    /// Receives one frame (`zmq_msg_recv`), copying it into an array.
    ///
    /// For multipart messages this returns the next frame; check ``hasMoreFrames`` or use
    /// ``receiveMultipart(dontWait:)``.
    ///
    /// - Parameter dontWait: do not block (`ZMQ_DONTWAIT`).
    /// - Returns: the frame, or `nil` when nothing arrived (`EAGAIN`: `dontWait`, or
    ///   ``ZMQSocketOption/receiveTimeout`` expired).
    /// - Throws: `ZMQError`: `EMSGSIZE` when the frame is larger than ``maxReceiveBytes``
    ///   (the rest of its message is discarded too), `EFSM`, `ETERM`, `ENOTSOCK` after ``close()``.
    public func receive(dontWait: Bool = false) throws -> [UInt8]? {
        let handle = try liveHandle("receive")
        guard let frame = try receiveFrame(handle, dontWait: dontWait, budget: maxReceiveBytes) else { return nil }
        guard let bytes = frame.bytes else {
            if frame.more { discardRemainingFrames(handle) }
            throw ZMQError(errno: EMSGSIZE, operation: "receive", message: "frame exceeds the limit of \(maxReceiveBytes) bytes")
        }
        return bytes
    }

    /// Receives one frame and decodes it as UTF-8 (invalid sequences become U+FFFD); see
    /// ``receive(dontWait:)``.
    public func receiveString(dontWait: Bool = false) throws -> String? {
        try receive(dontWait: dontWait).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Receives all frames of one message (following `ZMQ_RCVMORE`).
    ///
    /// libzmq delivers messages atomically: once the first frame is available, so are the rest.
    /// If a previous ``receive(dontWait:)`` took some frames, this returns the remaining ones.
    ///
    /// - Returns: the frames, or `nil` when nothing arrived (`EAGAIN`: `dontWait`, or the
    ///   receive timeout expired).
    /// - Throws: `ZMQError` with `EMSGSIZE` when the message has more than
    ///   ``maxReceiveFrames`` frames or more than ``maxReceiveBytes`` bytes in total; the
    ///   message is then discarded, and the next call receives the next message.
    public func receiveMultipart(dontWait: Bool = false) throws -> [[UInt8]]? {
        try receiveMessage(dontWait: dontWait)?.frames
    }

    /// Receives all frames of one message, like ``receiveMultipart(dontWait:)``, with where it
    /// came from: the `User-Id` a ZAP handler gave its sender and the sender's address.
    public func receiveMessage(dontWait: Bool = false) throws -> ZMQReceivedMessage? {
        let handle = try liveHandle("receive multipart")
        var frames: [[UInt8]] = []
        var total = 0
        var userID: String?
        var peerAddress: String?
        while true {
            // A ROUTER's first frame (the routing id it adds) has no properties: take them
            // from the first frame that has.
            guard let frame = try receiveFrame(handle, dontWait: dontWait, budget: maxReceiveBytes - total, properties: { message in
                if userID == nil { userID = Self.property(message, "User-Id") }
                if peerAddress == nil { peerAddress = Self.property(message, "Peer-Address") }
            }) else {
                if frames.isEmpty { return nil }
                throw ZMQError(errno: EAGAIN, operation: "receive multipart", message: "message ended after \(frames.count) frames")
            }
            guard let bytes = frame.bytes else {
                if frame.more { discardRemainingFrames(handle) }
                throw ZMQError(errno: EMSGSIZE, operation: "receive multipart", message: "message exceeds the limit of \(maxReceiveBytes) bytes")
            }
            total += bytes.count
            frames.append(bytes)
            if !frame.more { return ZMQReceivedMessage(frames: frames, userID: userID, peerAddress: peerAddress) }
            if frames.count >= maxReceiveFrames {
                discardRemainingFrames(handle)
                throw ZMQError(errno: EMSGSIZE, operation: "receive multipart", message: "message exceeds the limit of \(maxReceiveFrames) frames")
            }
        }
    }

    /// Receives one frame into ``scratchMessage``; copies it out when it fits in `budget`
    /// bytes (`bytes` is `nil` otherwise). Returns `nil` on `EAGAIN`; retries on `EINTR`.
    private func receiveFrame(_ handle: UnsafeMutableRawPointer, dontWait: Bool, budget: Int,
                              properties: (UnsafeMutablePointer<zmq_msg_t>) -> Void = { _ in }) throws -> (bytes: [UInt8]?, more: Bool)? {
        let message = scratchMessage
        zmq_msg_init(message)
        defer { zmq_msg_close(message) }
        let flags = dontWait ? ZMQ_DONTWAIT : 0
        while zmq_msg_recv(message, handle, flags) < 0 {
            let code = zmq_errno()
            if code == EINTR { continue }
            if code == EAGAIN { return nil }
            throw ZMQError(errno: code, operation: "receive")
        }
        properties(message)
        let size = zmq_msg_size(message)
        let more = zmq_msg_more(message) != 0
        guard size <= budget else { return (nil, more) }
        return (Array(UnsafeRawBufferPointer(start: zmq_msg_data(message), count: size)), more)
    }

    /// A message property (`zmq_msg_gets`), nil when the message has none of that name.
    private static func property(_ message: UnsafeMutablePointer<zmq_msg_t>, _ name: String) -> String? {
        guard let value = zmq_msg_gets(message, name) else { return nil }
        return String(cString: value)
    }

    /// Drops the frames left of the current message (they are already in memory).
    private func discardRemainingFrames(_ handle: UnsafeMutableRawPointer) {
        let message = scratchMessage
        var more = true
        while more {
            zmq_msg_init(message)
            defer { zmq_msg_close(message) }
            if zmq_msg_recv(message, handle, ZMQ_DONTWAIT) < 0 {
                if zmq_errno() == EINTR { continue }
                return
            }
            more = zmq_msg_more(message) != 0
        }
    }
}
