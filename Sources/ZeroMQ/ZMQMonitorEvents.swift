import CZeroMQ

/// The kinds of socket events to monitor (`zmq_socket_monitor`'s event mask).
public struct ZMQMonitorEvents: OptionSet, Hashable, Sendable {
    /// libzmq's `ZMQ_EVENT_*` bits.
    public let rawValue: Int32

    /// Creates a mask from libzmq's `ZMQ_EVENT_*` bits.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// A connection to a remote endpoint was made (`ZMQ_EVENT_CONNECTED`).
    public static let connected = Self(rawValue: ZMQ_EVENT_CONNECTED)
    /// A synchronous connect did not complete at once and is being retried (`ZMQ_EVENT_CONNECT_DELAYED`).
    public static let connectDelayed = Self(rawValue: ZMQ_EVENT_CONNECT_DELAYED)
    /// A reconnect is scheduled (`ZMQ_EVENT_CONNECT_RETRIED`).
    public static let connectRetried = Self(rawValue: ZMQ_EVENT_CONNECT_RETRIED)
    /// The socket listens on an endpoint (`ZMQ_EVENT_LISTENING`).
    public static let listening = Self(rawValue: ZMQ_EVENT_LISTENING)
    /// Binding failed (`ZMQ_EVENT_BIND_FAILED`).
    public static let bindFailed = Self(rawValue: ZMQ_EVENT_BIND_FAILED)
    /// A connection from a peer was accepted (`ZMQ_EVENT_ACCEPTED`).
    public static let accepted = Self(rawValue: ZMQ_EVENT_ACCEPTED)
    /// Accepting a connection failed (`ZMQ_EVENT_ACCEPT_FAILED`).
    public static let acceptFailed = Self(rawValue: ZMQ_EVENT_ACCEPT_FAILED)
    /// A connection or listener was closed (`ZMQ_EVENT_CLOSED`).
    public static let closed = Self(rawValue: ZMQ_EVENT_CLOSED)
    /// Closing failed (`ZMQ_EVENT_CLOSE_FAILED`).
    public static let closeFailed = Self(rawValue: ZMQ_EVENT_CLOSE_FAILED)
    /// A session was broken, e.g. the peer went away (`ZMQ_EVENT_DISCONNECTED`).
    public static let disconnected = Self(rawValue: ZMQ_EVENT_DISCONNECTED)
    /// Monitoring stopped: the last event the monitor sends (`ZMQ_EVENT_MONITOR_STOPPED`).
    public static let monitorStopped = Self(rawValue: ZMQ_EVENT_MONITOR_STOPPED)
    /// A handshake failed for a reason other than protocol or authentication (`ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL`).
    public static let handshakeFailedNoDetail = Self(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
    /// The ZMTP handshake (with security, e.g. CURVE) completed (`ZMQ_EVENT_HANDSHAKE_SUCCEEDED`).
    public static let handshakeSucceeded = Self(rawValue: ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
    /// The handshake failed on a protocol error (`ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL`).
    public static let handshakeFailedProtocol = Self(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
    /// The handshake failed on authentication (ZAP) (`ZMQ_EVENT_HANDSHAKE_FAILED_AUTH`).
    public static let handshakeFailedAuth = Self(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)

    /// Every kind of handshake failure.
    public static let handshakeFailed: Self = [.handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth]
    /// Every event (`ZMQ_EVENT_ALL`).
    public static let all = Self(rawValue: ZMQ_EVENT_ALL)
}
