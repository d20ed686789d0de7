import CZeroMQ

/// A typed socket option: its libzmq code, name, and how its value is stored.
///
/// Use the predefined options with ``ZMQSocket/set(_:_:)`` and ``ZMQSocket/get(_:)``:
///
/// ```swift
/// try socket.set(.sendHighWaterMark, 4)
/// try socket.set(.receiveTimeout, .seconds(2))
/// try socket.set(.xpubVerboser, true)
/// let linger = try socket.get(.linger)      // Duration?
/// ```
///
/// Durations are whole milliseconds for libzmq (sub-millisecond remainders round up); where
/// libzmq uses `-1` for "forever", "disabled" or "none", the Swift value is `nil`. Options
/// that libzmq can only set (subscriptions, `xpubNoDrop`, the XPUB verbosity flags) throw
/// `EINVAL` when read; read-only ones throw `EINVAL` when set.
///
/// Options not predefined here can be made with ``int(_:name:)``, ``bool(_:name:)`` and
/// ``bytes(_:name:)``.
public struct ZMQSocketOption<Value>: CustomStringConvertible, Sendable {
    /// The libzmq option number, e.g. `ZMQ_SNDHWM` (23).
    public let code: Int32
    /// The libzmq option name, e.g. `ZMQ_SNDHWM`, used in error messages.
    public let name: String
    let read: @Sendable (UnsafeMutableRawPointer) throws -> Value
    let write: @Sendable (UnsafeMutableRawPointer, Value) throws -> Void

    init(
        code: Int32, name: String,
        read: @escaping @Sendable (UnsafeMutableRawPointer) throws -> Value,
        write: @escaping @Sendable (UnsafeMutableRawPointer, Value) throws -> Void
    ) {
        self.code = code
        self.name = name
        self.read = read
        self.write = write
    }

    /// The libzmq option name.
    public var description: String { name }
}

// MARK: - Value shapes

extension ZMQSocketOption where Value == Int {
    /// An option stored as a C `int`.
    public static func int(_ code: Int32, name: String) -> Self {
        Self(
            code: code, name: name,
            read: { Int(try RawSocketOption.getInt32($0, code, name)) },
            write: { socket, value in
                guard let value = Int32(exactly: value) else {
                    throw ZMQError(errno: EINVAL, operation: "setsockopt \(name) \(value)", message: "value out of range")
                }
                try RawSocketOption.setInt32(socket, code, name, value)
            }
        )
    }
}

extension ZMQSocketOption where Value == Int? {
    /// An `int64_t` option where `-1` (here `nil`) means "no limit".
    static func int64OrUnlimited(_ code: Int32, name: String) -> Self {
        Self(
            code: code, name: name,
            read: { let value = try RawSocketOption.getInt64($0, code, name); return value < 0 ? nil : Int(value) },
            write: { socket, value in
                if let value, value < 0 {
                    throw ZMQError(errno: EINVAL, operation: "setsockopt \(name) \(value)", message: "a limit cannot be negative (use nil for none)")
                }
                try RawSocketOption.setInt64(socket, code, name, value.map { Int64($0) } ?? -1)
            }
        )
    }
}

extension ZMQSocketOption where Value == Bool {
    /// An option stored as a C `int` that is 0 or 1.
    public static func bool(_ code: Int32, name: String) -> Self {
        Self(
            code: code, name: name,
            read: { try RawSocketOption.getInt32($0, code, name) != 0 },
            write: { socket, value in try RawSocketOption.setInt32(socket, code, name, value ? 1 : 0) }
        )
    }
}

extension ZMQSocketOption where Value == Bool? {
    /// A C `int` option that is -1 (here `nil`: the system default), 0 or 1.
    static func boolOrDefault(_ code: Int32, name: String) -> Self {
        Self(
            code: code, name: name,
            read: { socket in
                let value = try RawSocketOption.getInt32(socket, code, name)
                return value < 0 ? nil : value != 0
            },
            write: { socket, value in try RawSocketOption.setInt32(socket, code, name, value.map { $0 ? 1 : 0 } ?? -1) }
        )
    }
}

extension ZMQSocketOption where Value == Duration {
    /// A C `int` option in milliseconds where 0 means "off".
    static func milliseconds(_ code: Int32, name: String) -> Self {
        Self(
            code: code, name: name,
            read: { .milliseconds(max(try RawSocketOption.getInt32($0, code, name), 0)) },
            write: { socket, value in try RawSocketOption.setInt32(socket, code, name, Int32(ZMQ.milliseconds(value))) }
        )
    }
}

extension ZMQSocketOption where Value == Duration? {
    /// A C `int` option in milliseconds where `-1` (here `nil`) means "forever" or "never".
    static func millisecondsOrInfinite(_ code: Int32, name: String) -> Self {
        Self(
            code: code, name: name,
            read: { socket in
                let value = try RawSocketOption.getInt32(socket, code, name)
                return value < 0 ? nil : .milliseconds(value)
            },
            write: { socket, value in try RawSocketOption.setInt32(socket, code, name, Int32(ZMQ.milliseconds(value))) }
        )
    }
}

extension ZMQSocketOption where Value == [UInt8] {
    /// A binary option of at most 255 bytes.
    public static func bytes(_ code: Int32, name: String) -> Self {
        Self(
            code: code, name: name,
            read: { try RawSocketOption.getBytes($0, code, name, capacity: 255) },
            write: { socket, value in try value.withUnsafeBytes { try RawSocketOption.setBytes(socket, code, name, $0) } }
        )
    }
}

extension ZMQSocketOption where Value == String {
    /// A NUL-terminated string option read into a buffer of `capacity` bytes.
    static func string(_ code: Int32, name: String, capacity: Int = 256) -> Self {
        Self(
            code: code, name: name,
            read: { try RawSocketOption.getString($0, code, name, capacity: capacity) },
            write: { socket, value in try RawSocketOption.setString(socket, code, name, value) }
        )
    }

    /// A CURVE key, read and written as a 40-character Z85 string.
    static func z85Key(_ code: Int32, name: String) -> Self {
        Self(
            code: code, name: name,
            read: { try RawSocketOption.getString($0, code, name, capacity: 41) },
            write: { socket, value in
                guard value.utf8.count == 40 else {
                    throw ZMQError(errno: EINVAL, operation: "setsockopt \(name)", message: "a Z85 key has 40 characters, got \(value.utf8.count)")
                }
                try RawSocketOption.setString(socket, code, name, value)
            }
        )
    }
}

// MARK: - Queues and limits

extension ZMQSocketOption where Value == Int {
    /// Outbound high-water mark in messages (`ZMQ_SNDHWM`, default 1000; 0 = none). At the
    /// mark PUB/XPUB/ROUTER drop, other types block or report `EAGAIN`.
    public static var sendHighWaterMark: Self { .int(ZMQ_SNDHWM, name: "ZMQ_SNDHWM") }
    /// Inbound high-water mark in messages (`ZMQ_RCVHWM`, default 1000; 0 = none).
    public static var receiveHighWaterMark: Self { .int(ZMQ_RCVHWM, name: "ZMQ_RCVHWM") }
    /// The kernel's receive buffer for TCP connections, bytes (`ZMQ_RCVBUF`; -1 = the OS default).
    public static var receiveBufferSize: Self { .int(ZMQ_RCVBUF, name: "ZMQ_RCVBUF") }
    /// ZMQ_EVENTS as raw bits (read-only); see ``ZMQSocket/events``.
    static var events: Self { .int(ZMQ_EVENTS, name: "ZMQ_EVENTS") }
}

extension ZMQSocketOption where Value == Int? {
    /// Largest inbound frame in bytes (`ZMQ_MAXMSGSIZE`, default `nil` = unlimited); a peer
    /// that sends a larger one is disconnected by libzmq. See also
    /// ``ZMQSocket/limitInboundMessages(maxBytes:maxFrames:)``.
    public static var maxMessageSize: Self { .int64OrUnlimited(ZMQ_MAXMSGSIZE, name: "ZMQ_MAXMSGSIZE") }
}

// MARK: - Timing

extension ZMQSocketOption where Value == Duration? {
    /// How long closing waits to send queued messages (`ZMQ_LINGER`; `nil` = forever).
    /// This wrapper sets 0 at creation, so closing and context termination never hang.
    public static var linger: Self { .millisecondsOrInfinite(ZMQ_LINGER, name: "ZMQ_LINGER") }
    /// How long a blocking receive waits before returning `nil` (`ZMQ_RCVTIMEO`; `nil` =
    /// forever, the default).
    public static var receiveTimeout: Self { .millisecondsOrInfinite(ZMQ_RCVTIMEO, name: "ZMQ_RCVTIMEO") }
    /// How long a blocking send waits before returning `false` (`ZMQ_SNDTIMEO`; `nil` =
    /// forever, the default).
    public static var sendTimeout: Self { .millisecondsOrInfinite(ZMQ_SNDTIMEO, name: "ZMQ_SNDTIMEO") }
    /// Delay before reconnecting a lost connection (`ZMQ_RECONNECT_IVL`, default 100 ms;
    /// `nil` = never reconnect).
    public static var reconnectInterval: Self { .millisecondsOrInfinite(ZMQ_RECONNECT_IVL, name: "ZMQ_RECONNECT_IVL") }
}

extension ZMQSocketOption where Value == Duration {
    /// Upper bound of the exponential reconnect back-off (`ZMQ_RECONNECT_IVL_MAX`; `.zero`,
    /// the default, keeps ``reconnectInterval`` constant).
    public static var reconnectIntervalMax: Self { .milliseconds(ZMQ_RECONNECT_IVL_MAX, name: "ZMQ_RECONNECT_IVL_MAX") }
    /// TCP: how long sent data may stay unacknowledged, or queued behind a peer's closed
    /// receive window, before the kernel drops the connection (`ZMQ_TCP_MAXRT`, Linux
    /// `TCP_USER_TIMEOUT`; zero = the system default). Cuts off peers that stopped reading.
    public static var tcpMaximumRetransmit: Self { .milliseconds(ZMQ_TCP_MAXRT, name: "ZMQ_TCP_MAXRT") }
    /// Interval between ZMTP heartbeat PINGs (`ZMQ_HEARTBEAT_IVL`; `.zero`, the default, = off).
    public static var heartbeatInterval: Self { .milliseconds(ZMQ_HEARTBEAT_IVL, name: "ZMQ_HEARTBEAT_IVL") }
    /// How long to wait for traffic after a PING before closing the connection
    /// (`ZMQ_HEARTBEAT_TIMEOUT`; `.zero` = the heartbeat interval).
    public static var heartbeatTimeout: Self { .milliseconds(ZMQ_HEARTBEAT_TIMEOUT, name: "ZMQ_HEARTBEAT_TIMEOUT") }
    /// How long the peer should keep the connection without traffic (`ZMQ_HEARTBEAT_TTL`,
    /// sent in PINGs; tenths of a second, at most 6553.5 s; `.zero` = off).
    public static var heartbeatTTL: Self { .milliseconds(ZMQ_HEARTBEAT_TTL, name: "ZMQ_HEARTBEAT_TTL") }
}

// MARK: - Behaviour flags

extension ZMQSocketOption where Value == Bool {
    /// Queue messages only to completed connections (`ZMQ_IMMEDIATE`, default `false`).
    public static var immediate: Self { .bool(ZMQ_IMMEDIATE, name: "ZMQ_IMMEDIATE") }
    /// Keep only the newest message per connection (`ZMQ_CONFLATE`). Does not support
    /// multipart messages: a conflating SUB delivers only the last frame.
    public static var conflate: Self { .bool(ZMQ_CONFLATE, name: "ZMQ_CONFLATE") }
    /// ROUTER: sending to an unknown routing id fails with `EHOSTUNREACH` instead of silently
    /// dropping (`ZMQ_ROUTER_MANDATORY`; set-only).
    public static var routerMandatory: Self { .bool(ZMQ_ROUTER_MANDATORY, name: "ZMQ_ROUTER_MANDATORY") }
    /// XPUB: pass every subscribe message up, not only new topics (`ZMQ_XPUB_VERBOSE`; set-only).
    public static var xpubVerbose: Self { .bool(ZMQ_XPUB_VERBOSE, name: "ZMQ_XPUB_VERBOSE") }
    /// XPUB: pass every subscribe and unsubscribe message up (`ZMQ_XPUB_VERBOSER`; set-only).
    public static var xpubVerboser: Self { .bool(ZMQ_XPUB_VERBOSER, name: "ZMQ_XPUB_VERBOSER") }
    /// XPUB: at the high-water mark, fail with `EAGAIN` instead of dropping
    /// (`ZMQ_XPUB_NODROP`; set-only). One stalled subscriber then throttles all of them.
    public static var xpubNoDrop: Self { .bool(ZMQ_XPUB_NODROP, name: "ZMQ_XPUB_NODROP") }
    /// XPUB: subscriptions are not applied by libzmq but passed up, and the application
    /// applies the ones it accepts with ``subscribe`` / ``unsubscribe``, which then act on the
    /// subscriber whose message was received last (`ZMQ_XPUB_MANUAL`; set-only).
    public static var xpubManual: Self { .bool(ZMQ_XPUB_MANUAL, name: "ZMQ_XPUB_MANUAL") }
    /// More frames of the current message follow (`ZMQ_RCVMORE`; read-only); see
    /// ``ZMQSocket/hasMoreFrames``.
    public static var receiveMore: Self { .bool(ZMQ_RCVMORE, name: "ZMQ_RCVMORE") }
    /// Act as CURVE server (`ZMQ_CURVE_SERVER`); also set ``curveSecretKey``.
    public static var curveServer: Self { .bool(ZMQ_CURVE_SERVER, name: "ZMQ_CURVE_SERVER") }
}

extension ZMQSocketOption where Value == Bool? {
    /// TCP keep-alive (`ZMQ_TCP_KEEPALIVE`: `nil` = the OS default, `true` = on, `false` = off).
    public static var tcpKeepalive: Self { .boolOrDefault(ZMQ_TCP_KEEPALIVE, name: "ZMQ_TCP_KEEPALIVE") }
}

// MARK: - Identity and subscriptions

extension ZMQSocketOption where Value == [UInt8] {
    /// The routing id (identity) this socket presents to a ROUTER peer (`ZMQ_ROUTING_ID`,
    /// 1–255 bytes, not starting with 0); set before connecting.
    public static var routingId: Self { .bytes(ZMQ_ROUTING_ID, name: "ZMQ_ROUTING_ID") }
    /// Same as ``routingId`` (`ZMQ_IDENTITY` is the old name of `ZMQ_ROUTING_ID`).
    public static var identity: Self { routingId }
    /// SUB: add a topic prefix filter (`ZMQ_SUBSCRIBE`; set-only); see `ZMQSocket.subscribe(_:)`.
    public static var subscribe: Self { .bytes(ZMQ_SUBSCRIBE, name: "ZMQ_SUBSCRIBE") }
    /// SUB: remove one topic prefix filter (`ZMQ_UNSUBSCRIBE`; set-only).
    public static var unsubscribe: Self { .bytes(ZMQ_UNSUBSCRIBE, name: "ZMQ_UNSUBSCRIBE") }
}

// MARK: - Strings and CURVE keys

extension ZMQSocketOption where Value == String {
    /// The endpoint last bound or connected (`ZMQ_LAST_ENDPOINT`; read-only).
    static var lastEndpoint: Self { .string(ZMQ_LAST_ENDPOINT, name: "ZMQ_LAST_ENDPOINT", capacity: 1024) }
    /// This socket's CURVE public key, 40-character Z85 (`ZMQ_CURVE_PUBLICKEY`; clients).
    public static var curvePublicKey: Self { .z85Key(ZMQ_CURVE_PUBLICKEY, name: "ZMQ_CURVE_PUBLICKEY") }
    /// This socket's CURVE secret key, 40-character Z85 (`ZMQ_CURVE_SECRETKEY`; clients and servers).
    public static var curveSecretKey: Self { .z85Key(ZMQ_CURVE_SECRETKEY, name: "ZMQ_CURVE_SECRETKEY") }
    /// The server's CURVE public key, 40-character Z85 (`ZMQ_CURVE_SERVERKEY`; clients).
    public static var curveServerKey: Self { .z85Key(ZMQ_CURVE_SERVERKEY, name: "ZMQ_CURVE_SERVERKEY") }
    /// The ZAP domain used for authentication (`ZMQ_ZAP_DOMAIN`). Without a ZAP handler at
    /// `inproc://zeromq.zap.01`, a CURVE server admits any client key.
    public static var zapDomain: Self { .string(ZMQ_ZAP_DOMAIN, name: "ZMQ_ZAP_DOMAIN") }
}
