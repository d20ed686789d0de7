import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ZMQSocket {
    /// Sends one frame, copying `bytes` (`zmq_send`).
    ///
    /// - Parameters:
    ///   - more: more frames of the same message follow (`ZMQ_SNDMORE`). libzmq delivers the
    ///     frames of a message all together or not at all.
    ///   - dontWait: do not block (`ZMQ_DONTWAIT`).
    /// - Returns: `true` when libzmq queued the frame; `false` when it would have blocked
    ///   (`EAGAIN`: `dontWait`, or ``ZMQSocketOption/sendTimeout`` expired). PUB and XPUB never
    ///   block: at the high-water mark they drop the message and still return `true`.
    /// - Throws: `ZMQError`, e.g. `EFSM` (REQ/REP out of order), `EHOSTUNREACH` (ROUTER with
    ///   ``ZMQSocketOption/routerMandatory``), `ETERM`, `ENOTSOCK` after ``close()``.
    @discardableResult
    public func send(_ bytes: UnsafeRawBufferPointer, more: Bool = false, dontWait: Bool = false) throws -> Bool {
        let handle = try liveHandle("send")
        let flags = Self.sendFlags(more: more, dontWait: dontWait)
        while zmq_send(handle, bytes.baseAddress, bytes.count, flags) < 0 {
            let code = zmq_errno()
            if code == EINTR { continue }
            if code == EAGAIN { return false }
            throw ZMQError(errno: code, operation: "send")
        }
        return true
    }

    /// Sends one frame holding `bytes`; see `send(_:more:dontWait:)`.
    @discardableResult
    public func send(_ bytes: [UInt8], more: Bool = false, dontWait: Bool = false) throws -> Bool {
        try bytes.withUnsafeBytes { try send($0, more: more, dontWait: dontWait) }
    }

    /// Sends one frame holding the UTF-8 bytes of `string` (no terminating NUL).
    @discardableResult
    public func send(_ string: String, more: Bool = false, dontWait: Bool = false) throws -> Bool {
        var string = string
        return try string.withUTF8 { try send(UnsafeRawBufferPointer($0), more: more, dontWait: dontWait) }
    }

    /// Sends a whole multipart message: every frame but the last with `ZMQ_SNDMORE`.
    ///
    /// - Returns: `false` when the first frame would have blocked (nothing was sent).
    /// - Throws: `EINVAL` for an empty list; `ZMQError` as `send(_:more:dontWait:)`.
    @discardableResult
    public func send(multipart frames: [[UInt8]], dontWait: Bool = false) throws -> Bool {
        guard !frames.isEmpty else {
            throw ZMQError(errno: EINVAL, operation: "send multipart", message: "a message needs at least one frame")
        }
        for (index, frame) in frames.enumerated() {
            let sent = try send(frame, more: index < frames.count - 1, dontWait: dontWait)
            if !sent {
                // libzmq accepts the rest of a message once its first frame is queued.
                if index == 0 { return false }
                throw ZMQError(errno: EAGAIN, operation: "send multipart", message: "frame \(index) would block after earlier frames were queued")
            }
        }
        return true
    }

    /// Sends `buffer` as one frame without copying it (`zmq_msg_init_data`).
    ///
    /// libzmq keeps a reference to the buffer until its I/O thread has written it (or the
    /// receiving `inproc://` peer has read it), then releases it from a C callback on
    /// whatever thread finishes with it; the buffer is freed (and its `onRelease` runs) once
    /// libzmq and the program have both let go. The buffer is immutable, so it may be sent
    /// any number of times, on any number of sockets.
    ///
    /// - Returns: `false` when it would have blocked (see `send(_:more:dontWait:)`);
    ///   libzmq has then already let go of the buffer.
    @discardableResult
    public func sendZeroCopy(_ buffer: ZMQOwnedBuffer, more: Bool = false, dontWait: Bool = false) throws -> Bool {
        let handle = try liveHandle("send zero-copy")
        let message = scratchMessage
        let hint = Unmanaged.passRetained(buffer).toOpaque()
        let release: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = { _, hint in
            // Runs on libzmq's I/O thread or on the thread that closes the message; Swift
            // reference counting is atomic, and the buffer is immutable.
            guard let hint else { return }
            Unmanaged<ZMQOwnedBuffer>.fromOpaque(hint).release()
        }
        guard zmq_msg_init_data(message, buffer.baseAddress, buffer.count, release, hint) == 0 else {
            Unmanaged<ZMQOwnedBuffer>.fromOpaque(hint).release()
            throw ZMQError.last("zmq_msg_init_data")
        }
        let flags = Self.sendFlags(more: more, dontWait: dontWait)
        while zmq_msg_send(message, handle, flags) < 0 {
            let code = zmq_errno()
            if code == EINTR { continue }
            zmq_msg_close(message)  // calls `release`
            if code == EAGAIN { return false }
            throw ZMQError(errno: code, operation: "send zero-copy")
        }
        return true
    }

    static func sendFlags(more: Bool, dontWait: Bool) -> Int32 {
        (more ? ZMQ_SNDMORE : 0) | (dontWait ? ZMQ_DONTWAIT : 0)
    }
}
