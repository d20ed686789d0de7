import CZeroMQ
import Synchronization

/// A libzmq context (`zmq_ctx_new`): the owner of libzmq's I/O threads and the namespace of
/// `inproc://` endpoints.
///
/// Contexts are thread-safe: one context may be shared by every thread of the program, and
/// sockets created on different threads from one context can talk over `inproc://`.
///
/// Every ``ZMQSocket`` keeps its context alive, so the context is terminated (`zmq_ctx_term`)
/// only after its last socket is gone, either by ``terminate()`` or when the last reference
/// is released. Termination waits for each socket's linger period; sockets made by this
/// wrapper use linger 0 unless the user changes it, so termination does not hang.
public final class ZMQContext: Sendable {
    /// The libzmq context; `nil` once termination has begun.
    private let state: Mutex<UnsafeMutableRawPointer?>

    /// Creates a context with `ioThreads` libzmq I/O threads (`ZMQ_IO_THREADS`, default 1;
    /// one thread handles about a gigabyte per second of traffic).
    ///
    /// - Throws: `ZMQError` if libzmq cannot create the context (e.g. out of file descriptors).
    public init(ioThreads: Int = 1) throws {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        if ioThreads != 1 {
            guard zmq_ctx_set(handle, ZMQ_IO_THREADS, Int32(clamping: ioThreads)) == 0 else {
                let error = ZMQError.last("zmq_ctx_set ZMQ_IO_THREADS \(ioThreads)")
                zmq_ctx_term(handle)
                throw error
            }
        }
        state = Mutex(handle)
    }

    deinit {
        terminate()
    }

    /// Whether ``terminate()`` has been called (or has finished).
    public var isTerminated: Bool {
        state.withLock { $0 == nil }
    }

    /// Terminates the context (`zmq_ctx_term`). Idempotent; callable from any thread.
    ///
    /// Blocking calls on this context's sockets in other threads return `ETERM` at once,
    /// creating new sockets throws `ETERM`, and this call blocks until every socket of the
    /// context has been closed (and its linger period has run out). Since every socket keeps
    /// its context alive, call this explicitly only when the threads owning sockets are being
    /// told to close them (e.g. from a shutdown path); otherwise let the context go.
    public func terminate() {
        guard let handle = state.withLock({ handle -> UnsafeMutableRawPointer? in
            defer { handle = nil }
            return handle
        }) else { return }
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    /// Shuts the context down without waiting (`zmq_ctx_shutdown`): blocking calls on its
    /// sockets return `ETERM` at once, and every further operation on them except
    /// ``ZMQSocket/close()`` fails with `ETERM`. Sockets must still be closed; then
    /// ``terminate()`` (or releasing the context) frees it. Idempotent; callable from any thread.
    public func shutdown() {
        state.withLock { handle in
            if let handle { _ = zmq_ctx_shutdown(handle) }
        }
    }

    /// Creates a socket of `type` in this context. Shorthand for
    /// `ZMQSocket(context: self, type: type)`.
    public func socket(_ type: ZMQSocketType) throws -> ZMQSocket {
        try ZMQSocket(context: self, type: type)
    }

    /// Calls `zmq_socket` under the context lock, so the context cannot be terminated while a
    /// socket is being created.
    func makeSocketHandle(_ type: ZMQSocketType) throws -> UnsafeMutableRawPointer {
        try state.withLock { handle in
            guard let handle else {
                throw ZMQError(errno: ETERM, operation: "socket \(type)", message: "context was terminated")
            }
            guard let socket = zmq_socket(handle, type.rawValue) else {
                throw ZMQError.last("socket \(type)")
            }
            return socket
        }
    }
}
