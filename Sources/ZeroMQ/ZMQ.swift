import CZeroMQ

/// Library-wide helpers: version, capabilities and polling.
public enum ZMQ {
    /// The version of the libzmq library loaded at run time (`zmq_version`).
    public static var version: ZMQVersion {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return ZMQVersion(major: Int(major), minor: Int(minor), patch: Int(patch))
    }

    /// Whether libzmq was built with `capability` (`zmq_has`): `"ipc"`, `"pgm"`, `"tipc"`,
    /// `"norm"`, `"curve"`, `"gssapi"`, `"draft"`.
    public static func has(_ capability: String) -> Bool {
        zmq_has(capability) != 0
    }

    /// Waits until at least one item is ready or `timeout` passes (`zmq_poll`).
    ///
    /// - Parameters:
    ///   - items: sockets and file descriptors with the events to wait for.
    ///   - timeout: how long to wait; `nil` waits forever, `.zero` only checks.
    ///     Sub-millisecond remainders are rounded up to whole milliseconds.
    /// - Returns: the events that are ready, one entry per item in the same order (empty
    ///   sets for items that are not ready). A signal (`EINTR`) returns early with nothing ready.
    /// - Throws: `ZMQError` if a socket was closed or the context terminated (`ETERM`).
    public static func poll(_ items: [ZMQPollItem], timeout: Duration?) throws -> [ZMQPollEvents] {
        var poller = ZMQPoller(items)
        try poller.poll(timeout: timeout)
        return poller.items.indices.map { poller.readyEvents(at: $0) }
    }

    /// Waits until at least one item is ready or `timeoutMilliseconds` pass (`zmq_poll`);
    /// `-1` waits forever, `0` only checks. See ``poll(_:timeout:)``.
    public static func poll(_ items: [ZMQPollItem], timeoutMilliseconds: Int) throws -> [ZMQPollEvents] {
        try poll(items, timeout: timeoutMilliseconds < 0 ? nil : .milliseconds(timeoutMilliseconds))
    }

    /// Converts a timeout to whole milliseconds for libzmq: `nil` is `-1` (forever), positive
    /// remainders below a millisecond round up, and the result is clamped to `Int32.max`.
    static func milliseconds(_ duration: Duration?) -> Int {
        guard let duration else { return -1 }
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let wholeMilliseconds = attoseconds / perMillisecond + (attoseconds % perMillisecond > 0 ? 1 : 0)
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow || scaled > Int64(Int32.max) - wholeMilliseconds { return Int(Int32.max) }
        return Int(scaled + wholeMilliseconds)
    }
}
