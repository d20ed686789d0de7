import Logging
import ZeroMQ

/// Answers libzmq's authentication requests (ZAP) for the daemon's CURVE endpoints: a client
/// key found in the clients folder is admitted with the key as its `User-Id` (every message it
/// sends carries it, and ``AccessControl`` maps it to a role per message); any other key is
/// refused, so its connection never completes.
///
/// Runs on the I/O thread, whose poll includes ``socket``.
final class ZAPHandler {
    let socket: ZMQSocket
    private let access: AccessControl
    private let counters: DaemonCounters
    private let logger: Logger
    private var denials = LogThrottle()

    /// Binds the handler in `context` (before any CURVE socket binds).
    init(context: ZMQContext, access: AccessControl, counters: DaemonCounters, logger: Logger) throws {
        socket = try context.socket(.rep)
        try socket.set(.linger, .milliseconds(0))
        socket.maxReceiveFrames = 16
        socket.maxReceiveBytes = 16 << 10
        _ = try socket.bind(ZAPRequest.endpoint)
        self.access = access
        self.counters = counters
        self.logger = logger
    }

    /// Answers the requests waiting.
    func drain() {
        for _ in 0..<64 {
            guard let frames = try? socket.receiveMultipart(dontWait: true) else { return }
            guard let request = ZAPRequest(frames: frames) else {
                // REP must answer every request; a malformed one comes only from inside the process.
                _ = try? socket.send(multipart: [Array("1.0".utf8), frames.count > 1 ? frames[1] : [], Array("500".utf8), Array("malformed ZAP request".utf8), [], []])
                continue
            }
            let reply: [[UInt8]]
            if let key = request.curvePublicKey, access.access(userID: key) != nil {
                reply = request.reply(status: 200, text: "OK", userID: key)
            } else {
                counters.authDenied.add(1, ordering: .relaxed)
                if let note = denials.admit() {
                    logger.warning("refused a \(request.mechanism) connection from \(request.address): \(request.curvePublicKey.map { "key \($0) is not in the clients folder" } ?? "no client key")\(note)")
                }
                reply = request.reply(status: 400, text: "unknown key")
            }
            _ = try? socket.send(multipart: reply)
        }
    }
}
