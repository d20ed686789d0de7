import CZeroMQ

/// Readiness flags of a socket or file descriptor, as used by `zmq_poll` and `ZMQ_EVENTS`.
public struct ZMQPollEvents: OptionSet, Hashable, CustomStringConvertible, Sendable {
    /// libzmq's `ZMQ_POLL*` bits.
    public let rawValue: Int16

    /// Creates a set from libzmq's bits.
    public init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    /// A message can be received (a descriptor is readable) without blocking (`ZMQ_POLLIN`).
    public static let pollIn = ZMQPollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// A message can be sent (a descriptor is writable) without blocking (`ZMQ_POLLOUT`).
    public static let pollOut = ZMQPollEvents(rawValue: Int16(ZMQ_POLLOUT))
    /// An error condition on a file descriptor (`ZMQ_POLLERR`; never set for sockets).
    public static let pollError = ZMQPollEvents(rawValue: Int16(ZMQ_POLLERR))
    /// Urgent data on a file descriptor (`ZMQ_POLLPRI`; never set for sockets).
    public static let pollPriority = ZMQPollEvents(rawValue: Int16(ZMQ_POLLPRI))

    /// E.g. `[pollIn, pollOut]`.
    public var description: String {
        let names: [(ZMQPollEvents, String)] = [(.pollIn, "pollIn"), (.pollOut, "pollOut"), (.pollError, "pollError"), (.pollPriority, "pollPriority")]
        return "[" + names.filter { contains($0.0) }.map(\.1).joined(separator: ", ") + "]"
    }
}
