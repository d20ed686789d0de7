/// One socket event reported by a monitor (see ``ZMQMonitor``), with its event value
/// decoded: a file descriptor, an error number, a retry interval or a failure code.
public enum ZMQMonitorEvent: Hashable, Sendable {
    /// Connected to a peer; the value is the connection's file descriptor.
    case connected(fd: Int32)
    /// A connect did not complete at once; it goes on in the background.
    case connectDelayed(errno: Int32)
    /// A reconnect is scheduled after `interval`.
    case connectRetried(interval: Duration)
    /// Listening; the value is the listening file descriptor.
    case listening(fd: Int32)
    /// Binding failed with `errno`.
    case bindFailed(errno: Int32)
    /// Accepted a connection from a peer, on file descriptor `fd`.
    case accepted(fd: Int32)
    /// Accepting a connection failed with `errno`.
    case acceptFailed(errno: Int32)
    /// A connection or listener on file descriptor `fd` was closed.
    case closed(fd: Int32)
    /// Closing failed with `errno`.
    case closeFailed(errno: Int32)
    /// The session on file descriptor `fd` was broken (peer gone, heartbeat timeout,
    /// oversized message, …).
    case disconnected(fd: Int32)
    /// Monitoring stopped; no further events follow.
    case monitorStopped
    /// A handshake failed with `errno`, without more detail.
    case handshakeFailedNoDetail(errno: Int32)
    /// The handshake completed (security mechanism included).
    case handshakeSucceeded
    /// The handshake failed on a protocol error; `code` is a `ZMQ_PROTOCOL_ERROR_*` value.
    case handshakeFailedProtocol(code: UInt32)
    /// Authentication (ZAP) refused the peer; `statusCode` is the ZAP status (e.g. 400).
    case handshakeFailedAuth(statusCode: UInt32)
    /// An event this wrapper does not decode, with its raw code and value.
    case other(code: UInt16, value: UInt32)

    /// Decodes an event from the first frame of a monitor message.
    public init(code: UInt16, value: UInt32) {
        let signed = Int32(bitPattern: value)
        switch ZMQMonitorEvents(rawValue: Int32(code)) {
        case .connected: self = .connected(fd: signed)
        case .connectDelayed: self = .connectDelayed(errno: signed)
        case .connectRetried: self = .connectRetried(interval: .milliseconds(value))
        case .listening: self = .listening(fd: signed)
        case .bindFailed: self = .bindFailed(errno: signed)
        case .accepted: self = .accepted(fd: signed)
        case .acceptFailed: self = .acceptFailed(errno: signed)
        case .closed: self = .closed(fd: signed)
        case .closeFailed: self = .closeFailed(errno: signed)
        case .disconnected: self = .disconnected(fd: signed)
        case .monitorStopped: self = .monitorStopped
        case .handshakeFailedNoDetail: self = .handshakeFailedNoDetail(errno: signed)
        case .handshakeSucceeded: self = .handshakeSucceeded
        case .handshakeFailedProtocol: self = .handshakeFailedProtocol(code: value)
        case .handshakeFailedAuth: self = .handshakeFailedAuth(statusCode: value)
        default: self = .other(code: code, value: value)
        }
    }

    /// The event's kind as a single-flag mask, e.g. `.accepted`; empty for ``other(code:value:)``
    /// codes that are not `ZMQ_EVENT_*` flags this wrapper knows.
    public var kind: ZMQMonitorEvents {
        switch self {
        case .connected: .connected
        case .connectDelayed: .connectDelayed
        case .connectRetried: .connectRetried
        case .listening: .listening
        case .bindFailed: .bindFailed
        case .accepted: .accepted
        case .acceptFailed: .acceptFailed
        case .closed: .closed
        case .closeFailed: .closeFailed
        case .disconnected: .disconnected
        case .monitorStopped: .monitorStopped
        case .handshakeFailedNoDetail: .handshakeFailedNoDetail
        case .handshakeSucceeded: .handshakeSucceeded
        case .handshakeFailedProtocol: .handshakeFailedProtocol
        case .handshakeFailedAuth: .handshakeFailedAuth
        case .other(let code, _): ZMQMonitorEvents(rawValue: Int32(code))
        }
    }
}
