import Synchronization

/// Reads the events of a monitored socket: a PAIR socket connected to the `inproc://`
/// endpoint given to `zmq_socket_monitor`.
///
/// ```swift
/// let monitor = try router.startMonitor(events: [.accepted, .disconnected])
/// try router.bind("tcp://127.0.0.1:*")
/// if let message = try monitor.next(timeout: .seconds(1)) { print(message.event, message.endpoint) }
/// ```
///
/// Start monitoring before binding or connecting: libzmq drops events while no reader is
/// connected. Like every socket, a monitor belongs to one thread; its ``socket`` can be
/// polled with the others in an I/O loop.
public final class ZMQMonitor {
    /// The PAIR socket that receives the events.
    public let socket: ZMQSocket
    /// The `inproc://` endpoint the events are published on.
    public let endpoint: String

    private static let nextSerial = Atomic<UInt64>(0)

    /// Connects a reader to an endpoint already passed to ``ZMQSocket/monitor(endpoint:events:)``.
    public init(context: ZMQContext, endpoint: String) throws {
        let socket = try ZMQSocket(context: context, type: .pair)
        try socket.connect(endpoint)
        self.socket = socket
        self.endpoint = endpoint
    }

    /// A fresh `inproc://` endpoint name for a monitor.
    static func uniqueEndpoint() -> String {
        let serial = nextSerial.wrappingAdd(1, ordering: .relaxed).newValue
        return "inproc://zeromq.swift.monitor.\(serial)"
    }

    /// Receives the next event.
    ///
    /// - Returns: the event, or `nil` when none is pending (`dontWait`) or the monitor socket's
    ///   receive timeout expired.
    /// - Throws: `ZMQError`, also `EPROTO` for a malformed event message.
    public func receive(dontWait: Bool = false) throws -> ZMQMonitorMessage? {
        guard let frames = try socket.receiveMultipart(dontWait: dontWait) else { return nil }
        return try ZMQMonitorMessage(frames: frames)
    }

    /// Waits up to `timeout` for the next event (`nil` waits forever).
    public func next(timeout: Duration?) throws -> ZMQMonitorMessage? {
        if let message = try receive(dontWait: true) { return message }
        var poller = ZMQPoller([ZMQPollItem(socket)])
        guard try poller.poll(timeout: timeout) > 0 else { return nil }
        return try receive(dontWait: true)
    }

    /// Waits until an event of one of `kinds` arrives, skipping others, for at most `timeout`
    /// in total.
    ///
    /// - Returns: the first matching event, or `nil` if none came in time.
    public func waitFor(_ kinds: ZMQMonitorEvents, timeout: Duration) throws -> ZMQMonitorMessage? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let remaining = clock.now.duration(to: deadline)
            guard let message = try next(timeout: max(remaining, .zero)) else { return nil }
            if kinds.contains(message.event.kind) && !message.event.kind.isEmpty { return message }
        }
    }

    /// Closes the reading socket. Idempotent.
    public func close() {
        socket.close()
    }
}

/// A monitor reads its own socket, so it stays on one thread too.
@available(*, unavailable)
extension ZMQMonitor: Sendable {}
