import CZeroMQ

extension ZMQSocket {
    /// Publishes this socket's `events` on the `inproc://` `endpoint` (`zmq_socket_monitor`),
    /// to be read by a ``ZMQMonitor`` in the same context. Prefer ``startMonitor(events:)``.
    /// Only one monitor per socket; a new call replaces the previous one.
    public func monitor(endpoint: String, events: ZMQMonitorEvents = .all) throws {
        let handle = try liveHandle("monitor \(endpoint)")
        guard zmq_socket_monitor(handle, endpoint, events.rawValue) == 0 else {
            throw ZMQError.last("monitor \(endpoint)")
        }
    }

    /// Starts monitoring `events` on a fresh `inproc://` endpoint and returns the reader.
    /// Call it before ``bind(_:)`` or ``connect(_:)`` so that no event is lost.
    public func startMonitor(events: ZMQMonitorEvents = .all) throws -> ZMQMonitor {
        let endpoint = ZMQMonitor.uniqueEndpoint()
        try monitor(endpoint: endpoint, events: events)
        return try ZMQMonitor(context: context, endpoint: endpoint)
    }

    /// Stops monitoring; the monitor then receives ``ZMQMonitorEvent/monitorStopped``.
    public func stopMonitor() throws {
        let handle = try liveHandle("stop monitor")
        guard zmq_socket_monitor(handle, nil, 0) == 0 else { throw ZMQError.last("stop monitor") }
    }
}
