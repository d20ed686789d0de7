import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error reported by libzmq (or by this wrapper, using the same error numbers).
///
/// The description names the operation that failed and libzmq's explanation, for example
/// `bind tcp://127.0.0.1:99999: Invalid argument`.
public struct ZMQError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The error number (`errno`, or one of libzmq's own numbers such as `ETERM`).
    public let errno: Int32
    /// A readable explanation, normally `zmq_strerror(errno)`.
    public let message: String
    /// The operation that failed, e.g. `bind tcp://127.0.0.1:5555` or `setsockopt ZMQ_SNDHWM`.
    public let operation: String

    /// Creates an error for `operation` with error number `errno`; the message defaults to
    /// `zmq_strerror(errno)`.
    public init(errno: Int32, operation: String, message: String? = nil) {
        self.errno = errno
        self.operation = operation
        self.message = message ?? String(cString: zmq_strerror(errno))
    }

    /// The error libzmq reported for the call that just failed on this thread (`zmq_errno()`).
    static func last(_ operation: @autoclosure () -> String) -> ZMQError {
        ZMQError(errno: zmq_errno(), operation: operation())
    }

    /// The error thrown by every operation on a socket after `close()`.
    static func closed(_ operation: String) -> ZMQError {
        ZMQError(errno: ENOTSOCK, operation: operation, message: "socket is closed")
    }

    /// `"<operation>: <message>"`.
    public var description: String { "\(operation): \(message)" }

    /// The operation would have blocked, or a send/receive timeout expired (`EAGAIN`).
    public var isWouldBlock: Bool { errno == EAGAIN }

    /// The context was shut down or terminated (`ETERM`): close the socket and stop.
    public var isTerminated: Bool { errno == ETERM }

    /// A signal interrupted a blocking call (`EINTR`).
    public var isInterrupted: Bool { errno == EINTR }

    /// A received message was larger than the socket's receive limits (`EMSGSIZE`).
    public var isMessageTooLarge: Bool { errno == EMSGSIZE }

    /// A ROUTER with `routerMandatory` had no peer with the given routing id (`EHOSTUNREACH`).
    public var isHostUnreachable: Bool { errno == EHOSTUNREACH }

    /// The operation is not valid in the socket's current state, e.g. a REQ sending twice
    /// without receiving the reply (`EFSM`).
    public var isWrongState: Bool { errno == EFSM }

    /// libzmq's `ETERM`: the context was terminated.
    public static let eterm: Int32 = ETERM
    /// libzmq's `EFSM`: the operation is not valid in the socket's state.
    public static let efsm: Int32 = EFSM
    /// libzmq's `ENOCOMPATPROTO`: the transport does not fit the socket type.
    public static let enocompatproto: Int32 = ENOCOMPATPROTO
    /// libzmq's `EMTHREAD`: no I/O thread is available.
    public static let emthread: Int32 = EMTHREAD
    /// libzmq's `ENOTSOCK` (on Linux, the system's value): the socket is closed or invalid.
    public static let enotsock: Int32 = ENOTSOCK
}
