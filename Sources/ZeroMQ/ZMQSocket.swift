import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ZeroMQ socket (`zmq_socket`).
///
/// **Not thread-safe.** A socket must be created, used and closed on one thread (in splatd,
/// the I/O thread that runs the `zmq_poll` loop). It is deliberately not `Sendable`. Other
/// threads talk to that thread through queues, `inproc://` sockets of their own, and a
/// ``ZMQWakeup`` that interrupts its poll.
///
/// The socket keeps its ``ZMQContext`` alive. It is closed by ``close()`` or when the last
/// reference goes away; closing waits for the linger period (``ZMQSocketOption/linger``),
/// which this wrapper sets to 0 at creation so that closing and context termination never
/// hang. Every operation after `close()` throws a ``ZMQError`` (`ENOTSOCK`).
///
/// Receiving copies each frame into a Swift array; ``maxReceiveBytes`` and
/// ``maxReceiveFrames`` cap what one message may cost (see ``limitInboundMessages(maxBytes:maxFrames:)``).
public final class ZMQSocket {
    /// The context the socket was created in (kept alive by the socket).
    public let context: ZMQContext
    /// The socket's pattern.
    public let type: ZMQSocketType

    /// Largest total size, in bytes, of one received message (all frames together) that
    /// ``receive(dontWait:)`` and ``receiveMultipart(dontWait:)`` accept; larger messages are
    /// discarded and reported with `EMSGSIZE`. Default 64 MiB. This caps the Swift copies;
    /// ``ZMQSocketOption/maxMessageSize`` additionally makes libzmq disconnect peers that send
    /// oversized frames before they are buffered.
    public var maxReceiveBytes: Int = 64 << 20

    /// Largest number of frames in one received message accepted by
    /// ``receiveMultipart(dontWait:)``; longer messages are discarded and reported with
    /// `EMSGSIZE`. Default 1024.
    public var maxReceiveFrames: Int = 1024

    /// The libzmq socket; `nil` after `close()`.
    private(set) var handle: UnsafeMutableRawPointer?

    /// One `zmq_msg_t` reused by every receive and zero-copy send of this (single-threaded)
    /// socket, allocated on the heap so libzmq always sees it at the same address.
    let scratchMessage: UnsafeMutablePointer<zmq_msg_t>

    /// Creates a socket of `type` in `context`, with linger set to 0.
    ///
    /// - Throws: `ZMQError` if the context was terminated (`ETERM`) or libzmq cannot create a
    ///   socket (`EMFILE`: too many sockets).
    public init(context: ZMQContext, type: ZMQSocketType) throws {
        let handle = try context.makeSocketHandle(type)
        var linger: Int32 = 0
        guard zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size) == 0 else {
            let error = ZMQError.last("setsockopt ZMQ_LINGER")
            zmq_close(handle)
            throw error
        }
        self.context = context
        self.type = type
        self.handle = handle
        self.scratchMessage = .allocate(capacity: 1)
    }

    deinit {
        close()
        scratchMessage.deallocate()
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { handle == nil }

    /// Closes the socket (`zmq_close`). Idempotent. Messages still queued are sent during the
    /// linger period (0 by default: they are dropped) by libzmq in the background.
    public func close() {
        guard let handle else { return }
        self.handle = nil
        zmq_close(handle)
    }

    /// The live libzmq socket, or a `ENOTSOCK` error naming `operation` after `close()`.
    @inline(__always)
    func liveHandle(_ operation: @autoclosure () -> String) throws -> UnsafeMutableRawPointer {
        guard let handle else { throw ZMQError.closed(operation()) }
        return handle
    }

    // MARK: Endpoints

    /// Binds to `endpoint` (`zmq_bind`), e.g. `tcp://127.0.0.1:5555`, `tcp://127.0.0.1:*`
    /// (an ephemeral port), `ipc:///tmp/x`, `inproc://name`.
    ///
    /// - Returns: the endpoint actually bound (``lastEndpoint``), with the chosen port for `*`.
    /// - Throws: `ZMQError` such as `bind tcp://127.0.0.1:abc: Invalid argument`, or
    ///   `Address already in use`. TCP ports outside 0...65535 are rejected here (libzmq
    ///   4.3.4 would silently use the port modulo 65536).
    @discardableResult
    public func bind(_ endpoint: String) throws -> String {
        let handle = try liveHandle("bind \(endpoint)")
        try EndpointCheck.validate(endpoint, operation: "bind \(endpoint)")
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("bind \(endpoint)") }
        return try lastEndpoint
    }

    /// Connects to `endpoint` (`zmq_connect`). The connection is made (and remade after
    /// failures) in the background; the call returns at once. TCP ports outside 0...65535
    /// throw `EINVAL`.
    public func connect(_ endpoint: String) throws {
        let handle = try liveHandle("connect \(endpoint)")
        try EndpointCheck.validate(endpoint, operation: "connect \(endpoint)")
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError.last("connect \(endpoint)") }
    }

    /// Stops listening on `endpoint` (`zmq_unbind`); pass the endpoint returned by
    /// ``bind(_:)`` when a wildcard port was bound.
    public func unbind(_ endpoint: String) throws {
        let handle = try liveHandle("unbind \(endpoint)")
        guard zmq_unbind(handle, endpoint) == 0 else { throw ZMQError.last("unbind \(endpoint)") }
    }

    /// Drops the connection to `endpoint` (`zmq_disconnect`).
    public func disconnect(_ endpoint: String) throws {
        let handle = try liveHandle("disconnect \(endpoint)")
        guard zmq_disconnect(handle, endpoint) == 0 else { throw ZMQError.last("disconnect \(endpoint)") }
    }

    /// The endpoint last bound or connected (`ZMQ_LAST_ENDPOINT`), e.g. `tcp://127.0.0.1:41234`
    /// after binding `tcp://127.0.0.1:*`; empty if none.
    public var lastEndpoint: String {
        get throws { try get(.lastEndpoint) }
    }

    // MARK: State

    /// What the socket can do now without blocking (`ZMQ_EVENTS`): `.pollIn` when a message
    /// can be received, `.pollOut` when one can be sent.
    public var events: ZMQPollEvents {
        get throws { ZMQPollEvents(rawValue: Int16(truncatingIfNeeded: try get(.events))) }
    }

    /// Whether the frame received last is followed by more frames of the same message
    /// (`ZMQ_RCVMORE`).
    public var hasMoreFrames: Bool {
        get throws { try get(.receiveMore) }
    }

    // MARK: Options

    /// Sets a socket option (`zmq_setsockopt`), e.g. `try socket.set(.sendHighWaterMark, 4)`.
    ///
    /// - Throws: `ZMQError` naming the option, e.g. `setsockopt ZMQ_SUBSCRIBE: Invalid argument`
    ///   when the option does not apply to this socket type.
    public func set<Value>(_ option: ZMQSocketOption<Value>, _ value: Value) throws {
        let handle = try liveHandle("setsockopt \(option.name)")
        try option.write(handle, value)
    }

    /// Reads a socket option (`zmq_getsockopt`), e.g. `try socket.get(.linger)`.
    public func get<Value>(_ option: ZMQSocketOption<Value>) throws -> Value {
        let handle = try liveHandle("getsockopt \(option.name)")
        return try option.read(handle)
    }

    /// Subscribes a SUB socket to messages whose first frame starts with `topic`
    /// (`ZMQ_SUBSCRIBE`); an empty topic subscribes to everything.
    public func subscribe(_ topic: [UInt8]) throws {
        try set(.subscribe, topic)
    }

    /// Subscribes a SUB socket to the UTF-8 bytes of `topic`; `""` subscribes to everything.
    public func subscribe(_ topic: String) throws {
        try set(.subscribe, Array(topic.utf8))
    }

    /// Removes one earlier subscription to `topic` (`ZMQ_UNSUBSCRIBE`).
    public func unsubscribe(_ topic: [UInt8]) throws {
        try set(.unsubscribe, topic)
    }

    /// Removes one earlier subscription to the UTF-8 bytes of `topic` (`ZMQ_UNSUBSCRIBE`).
    public func unsubscribe(_ topic: String) throws {
        try set(.unsubscribe, Array(topic.utf8))
    }

    /// Caps inbound messages: sets ``ZMQSocketOption/maxMessageSize`` to `maxBytes`, so libzmq
    /// disconnects a peer that sends a larger frame before buffering it, and sets
    /// ``maxReceiveBytes`` and ``maxReceiveFrames``, which bound the whole (multipart) message
    /// that is copied into Swift.
    public func limitInboundMessages(maxBytes: Int, maxFrames: Int = 1024) throws {
        precondition(maxBytes >= 0 && maxFrames >= 1, "limits must be positive")
        try set(.maxMessageSize, maxBytes)
        maxReceiveBytes = maxBytes
        maxReceiveFrames = maxFrames
    }
}

/// Sockets must stay on one thread: they are not `Sendable`.
@available(*, unavailable)
extension ZMQSocket: Sendable {}
