import Foundation
import SplatProtocol
import ZeroMQ

/// Request/reply with splatd's control endpoint over a DEALER socket.
///
/// Each request carries a fresh `request_id`; the reply with the same id is the answer.
/// Replies to earlier requests that arrive late (after their own timeout) are skipped, so one
/// client can make any number of calls in a row. Not thread-safe (ZeroMQ sockets are not).
final class ControlClient {
    /// The endpoint connected to.
    let endpoint: String
    /// Seconds to wait for each reply.
    let timeout: Double
    private let socket: ZMQSocket
    private var nextRequestID: UInt64

    /// Connects a DEALER to `endpoint`. libzmq connects in the background, so this succeeds
    /// even when no daemon listens; a missing daemon shows up as a timeout in `call`.
    ///
    /// - Throws: `SplatctlError.badEndpoint` for a malformed endpoint.
    init(endpoint: String, timeout: Double, context: ZMQContext? = nil) throws {
        self.endpoint = endpoint
        self.timeout = timeout
        do {
            let context = try context ?? ZMQContext()
            socket = try context.socket(.dealer)
            try ClientSecurity.secure(socket)
            // Replies hold at most a status listing; 64 MiB keeps a confused peer in check.
            try socket.limitInboundMessages(maxBytes: 64 << 20, maxFrames: 4)
            try socket.set(.sendTimeout, .milliseconds(Int(timeout * 1000)))
        } catch {
            throw SplatctlError.transport("cannot create a ZeroMQ socket: \(error)")
        }
        do {
            try socket.connect(endpoint)
        } catch let error as ZMQError {
            throw SplatctlError.badEndpoint(endpoint: endpoint, reason: error.message)
        }
        // Random start: ids of separate splatctl runs do not repeat one another.
        nextRequestID = UInt64.random(in: 1...(1 << 48))
    }

    deinit { socket.close() }

    /// Sends a request with `body` and returns the daemon's reply when its status is OK.
    ///
    /// - Parameter what: the request as the user would name it (`open stream "cam"`), for
    ///   error messages.
    /// - Throws: `SplatctlError.noReply` after `timeout` seconds without the reply,
    ///   `.daemon` with the daemon's explanation for any other status, `.badReply` when the
    ///   reply cannot be decoded.
    @discardableResult
    func call(_ body: Splatd_V1_Request.OneOf_Body, what: String) throws -> Splatd_V1_Reply {
        let reply = try send(body, what: what)
        guard reply.status == .ok else {
            throw SplatctlError.daemon(request: what, status: reply.status, message: reply.error)
        }
        return reply
    }

    /// Sends a request with `body` and returns the reply whatever its status.
    func send(_ body: Splatd_V1_Request.OneOf_Body, what: String) throws -> Splatd_V1_Reply {
        let id = nextRequestID
        nextRequestID &+= 1
        let request = Splatd_V1_Request.with {
            $0.requestID = id
            $0.version = WireLimits.version
            $0.body = body
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        do {
            // An empty delimiter first, as a REQ socket would send: the daemon answers both forms.
            guard try socket.send(multipart: [[], request.wireBytes()]) else {
                throw SplatctlError.noReply(endpoint: endpoint, timeout: timeout)
            }
            while true {
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { throw SplatctlError.noReply(endpoint: endpoint, timeout: timeout) }
                let ready = try ZMQ.poll([ZMQPollItem(socket)], timeout: remaining)
                if Interrupt.requested { throw SplatctlError.transport("interrupted while waiting for \(endpoint)") }
                guard ready[0].contains(.pollIn), let frames = try socket.receiveMultipart(dontWait: true) else { continue }
                // [empty delimiter] [Reply], or just [Reply].
                guard let body = frames.last, frames.count <= 2, frames.dropLast().allSatisfy(\.isEmpty) else {
                    throw SplatctlError.badReply(request: what, reason: "a reply of \(frames.count) frames")
                }
                let reply: Splatd_V1_Reply
                do {
                    reply = try .decode(wire: body, limit: socket.maxReceiveBytes, what: "reply")
                } catch {
                    throw SplatctlError.badReply(request: what, reason: "\(error)")
                }
                // request_id 0 answers a request the daemon could not even decode.
                if reply.requestID == id || (reply.requestID == 0 && reply.status != .ok) { return reply }
                // A late reply to an earlier request: not ours, keep waiting.
            }
        } catch let error as ZMQError {
            throw SplatctlError.transport("\(what): \(error)")
        }
    }

    /// Sends `body` and returns the reply's body, checked against `extract`.
    func call<T>(_ body: Splatd_V1_Request.OneOf_Body, what: String, expect name: String,
                 _ extract: (Splatd_V1_Reply.OneOf_Body) -> T?) throws -> (Splatd_V1_Reply, T) {
        let reply = try call(body, what: what)
        guard let b = reply.body, let value = extract(b) else {
            throw SplatctlError.badReply(request: what, reason: "the reply has no \(name)")
        }
        return (reply, value)
    }
}
