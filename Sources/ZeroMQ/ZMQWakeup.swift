#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wakes a thread blocked in `zmq_poll` from any other thread.
///
/// A non-blocking pipe: the poll loop watches ``fileDescriptor`` (`ZMQPollItem(wakeup)`),
/// other threads call ``signal()`` after queueing work for it, and the loop calls ``drain()``
/// when it wakes, then looks at its queues. Signals coalesce: many signals before a drain
/// wake the loop once.
public final class ZMQWakeup: Sendable {
    /// The read end, to be polled for readability.
    public let fileDescriptor: Int32
    private let writeDescriptor: Int32

    /// Creates the pipe (non-blocking, close-on-exec).
    ///
    /// - Throws: `ZMQError` naming `pipe` (e.g. `EMFILE`).
    public init() throws {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw ZMQError(errno: errno, operation: "pipe") }
        for descriptor in descriptors {
            let flags = fcntl(descriptor, F_GETFL)
            guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0,
                  fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0 else {
                let error = ZMQError(errno: errno, operation: "fcntl")
                close(descriptors[0])
                close(descriptors[1])
                throw error
            }
        }
        fileDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        close(fileDescriptor)
        close(writeDescriptor)
    }

    /// Makes ``fileDescriptor`` readable, waking a poll on it. Thread-safe and non-blocking;
    /// when the pipe is already full the wake-up is already pending, and nothing more is needed.
    public func signal() {
        var byte: UInt8 = 1
        while write(writeDescriptor, &byte, 1) < 0 && errno == EINTR {}
    }

    /// Consumes all pending signals, so the next poll blocks again. Call it from the polling
    /// thread after waking up, before looking at the work queues.
    ///
    /// - Returns: whether any signal was pending.
    @discardableResult
    public func drain() -> Bool {
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let capacity = MemoryLayout.size(ofValue: buffer)
        var drained = false
        while true {
            let count = withUnsafeMutableBytes(of: &buffer) { read(fileDescriptor, $0.baseAddress, capacity) }
            if count > 0 {
                drained = true
                if count < capacity { return drained }
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return drained
            }
        }
    }
}
