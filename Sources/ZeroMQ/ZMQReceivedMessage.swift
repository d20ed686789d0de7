/// One received message with what libzmq knows about its sender.
public struct ZMQReceivedMessage: Sendable, Equatable {
    /// The frames, in order.
    public var frames: [[UInt8]]
    /// The user id a ZAP handler returned when the sender's connection was authenticated (for
    /// CURVE, whatever the handler chose, e.g. the client's public key); nil without ZAP.
    public var userID: String?
    /// The sender's IP address (TCP and similar transports); nil for `inproc://` and `ipc://`.
    public var peerAddress: String?

    public init(frames: [[UInt8]], userID: String? = nil, peerAddress: String? = nil) {
        self.frames = frames
        self.userID = userID
        self.peerAddress = peerAddress
    }
}
