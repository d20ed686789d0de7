/// One thing for `zmq_poll` to watch: a socket or a file descriptor, and the events wanted.
///
/// A socket item keeps the socket alive; polling a closed socket throws `ENOTSOCK`.
public struct ZMQPollItem {
    /// What is polled.
    public enum Source {
        /// A ZeroMQ socket (readiness means whole messages, not bytes).
        case socket(ZMQSocket)
        /// A plain file descriptor (pipe, eventfd, TCP socket, …).
        case fileDescriptor(Int32)
    }

    /// What is polled.
    public var source: Source
    /// The events to wait for.
    public var events: ZMQPollEvents

    /// Watches `socket` for `events` (default: a message can be received).
    public init(_ socket: ZMQSocket, events: ZMQPollEvents = .pollIn) {
        self.source = .socket(socket)
        self.events = events
    }

    /// Watches a file descriptor for `events` (default: readable).
    public init(fileDescriptor: Int32, events: ZMQPollEvents = .pollIn) {
        self.source = .fileDescriptor(fileDescriptor)
        self.events = events
    }

    /// Watches `wakeup` until it is signalled.
    public init(_ wakeup: ZMQWakeup) {
        self.init(fileDescriptor: wakeup.fileDescriptor, events: .pollIn)
    }
}
