import ZeroMQ

/// A SUB socket on the daemon's frames endpoint, as `watch` and `record` use it: connected,
/// with a receive queue of `receiveHighWaterMark` messages, subscribed to `topics`. Failures
/// become the CLI's one-line errors.
enum FramesSubscriber {
    static func connect(to endpoint: String, topics: [[UInt8]], receiveHighWaterMark: Int) throws -> ZMQSocket {
        let socket: ZMQSocket
        do {
            socket = try ZMQContext().socket(.sub)
            try ClientSecurity.secure(socket)
            try socket.set(.receiveHighWaterMark, receiveHighWaterMark)
        } catch {
            throw SplatctlError.transport("cannot create a ZeroMQ socket: \(error)")
        }
        do {
            try socket.connect(endpoint)
        } catch let error as ZMQError {
            throw SplatctlError.badEndpoint(endpoint: endpoint, reason: error.message)
        }
        for topic in topics { try socket.subscribe(topic) }
        return socket
    }
}
