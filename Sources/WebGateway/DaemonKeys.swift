import ZeroMQ

/// The CURVE keys the gateway presents to a daemon that requires them: its own key pair and
/// the daemon's public key.
public struct DaemonKeys: Sendable, Equatable {
    public var client: ZMQCurveKeyPair
    public var serverKey: String

    public init(client: ZMQCurveKeyPair, serverKey: String) {
        self.client = client
        self.serverKey = serverKey
    }

    /// Reads the gateway's secret certificate and the daemon's key (40 characters of Z85, or
    /// the path of its `.key` certificate).
    public init(secretCertificate: String, serverKey: String) throws {
        guard let pair = try ZMQCertificate.loadSecret(path: secretCertificate).keyPair else {
            throw ZMQCertificateError.missingSecretKey(name: secretCertificate)
        }
        client = pair
        self.serverKey = ZMQCertificate.isZ85Key(serverKey) ? serverKey : try ZMQCertificate.load(path: serverKey).publicKey
    }

    /// Makes `socket` a CURVE client of the daemon (before it connects).
    func secure(_ socket: ZMQSocket) throws {
        try socket.set(.curveServerKey, serverKey)
        try socket.set(.curvePublicKey, client.publicKey)
        try socket.set(.curveSecretKey, client.secretKey)
    }
}
