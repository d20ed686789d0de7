import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reusable set of poll items for an I/O loop (`zmq_poll`).
///
/// ```swift
/// var poller = ZMQPoller()
/// let control = poller.add(router)
/// let wake = poller.add(ZMQPollItem(wakeup))
/// while running {
///     try poller.poll(timeout: .milliseconds(5))
///     if poller.readyEvents(at: wake).contains(.pollIn) { wakeup.drain() }
///     if poller.readyEvents(at: control).contains(.pollIn) { … receive until nil with dontWait … }
/// }
/// ```
///
/// Like the sockets it polls, a poller belongs to one thread. After a poll, drain each
/// readable socket with `dontWait` receives: readiness means at least one message, and a
/// socket's readiness is edge-like (see `ZMQ_FD` in the libzmq manual).
public struct ZMQPoller {
    /// The items, in the order they were added.
    public private(set) var items: [ZMQPollItem]
    private var rawItems: [zmq_pollitem_t]

    /// Creates a poller watching `items`.
    public init(_ items: [ZMQPollItem] = []) {
        self.items = items
        self.rawItems = Array(repeating: zmq_pollitem_t(), count: items.count)
    }

    /// Adds an item and returns its index (for ``readyEvents(at:)``).
    @discardableResult
    public mutating func add(_ item: ZMQPollItem) -> Int {
        items.append(item)
        rawItems.append(zmq_pollitem_t())
        return items.count - 1
    }

    /// Adds a socket and returns its index.
    @discardableResult
    public mutating func add(_ socket: ZMQSocket, events: ZMQPollEvents = .pollIn) -> Int {
        add(ZMQPollItem(socket, events: events))
    }

    /// Adds a file descriptor and returns its index.
    @discardableResult
    public mutating func add(fileDescriptor: Int32, events: ZMQPollEvents = .pollIn) -> Int {
        add(ZMQPollItem(fileDescriptor: fileDescriptor, events: events))
    }

    /// Waits until at least one item is ready or `timeout` passes.
    ///
    /// - Parameter timeout: `nil` waits forever, `.zero` only checks; whole milliseconds,
    ///   rounded up.
    /// - Returns: the number of ready items (0 on timeout, or when a signal interrupted the
    ///   wait).
    /// - Throws: `ZMQError`: `ENOTSOCK` if a polled socket was closed, `ETERM` when the
    ///   context was shut down.
    @discardableResult
    public mutating func poll(timeout: Duration?) throws -> Int {
        for (index, item) in items.enumerated() {
            switch item.source {
            case .socket(let socket):
                rawItems[index].socket = try socket.liveHandle("poll")
                rawItems[index].fd = -1
            case .fileDescriptor(let descriptor):
                rawItems[index].socket = nil
                rawItems[index].fd = descriptor
            }
            rawItems[index].events = item.events.rawValue
            rawItems[index].revents = 0
        }
        let milliseconds = ZMQ.milliseconds(timeout)
        let ready = rawItems.withUnsafeMutableBufferPointer { buffer in
            zmq_poll(buffer.baseAddress, Int32(buffer.count), milliseconds)
        }
        if ready >= 0 { return Int(ready) }
        let code = zmq_errno()
        if code == EINTR {
            for index in rawItems.indices { rawItems[index].revents = 0 }
            return 0
        }
        throw ZMQError(errno: code, operation: "poll")
    }

    /// The events found ready for item `index` by the last ``poll(timeout:)``.
    public func readyEvents(at index: Int) -> ZMQPollEvents {
        ZMQPollEvents(rawValue: rawItems[index].revents)
    }
}
