/// What a CURVE client presents to a server that requires CURVE: its own key pair and the
/// server's public key. Set on every socket before it connects.
public struct ZMQCurveClientKeys: Sendable, Equatable {
    public var client: ZMQCurveKeyPair
    public var serverKey: String

    public init(client: ZMQCurveKeyPair, serverKey: String) {
        self.client = client
        self.serverKey = serverKey
    }

    /// Reads the client's secret certificate (zcert) and the server's key: 40 characters of
    /// Z85, or the path of the server's public certificate.
    public init(secretCertificate: String, serverKey: String) throws {
        client = try ZMQCertificate.loadSecret(path: secretCertificate).keyPair!
        self.serverKey = try Self.serverKey(serverKey)
    }

    /// A server's public key given as 40 characters of Z85 or as its public certificate's path.
    public static func serverKey(_ text: String) throws -> String {
        ZMQCertificate.isZ85Key(text) ? text : try ZMQCertificate.load(path: text).publicKey
    }

    /// Makes `socket` a CURVE client of the server (before it connects).
    public func secure(_ socket: ZMQSocket) throws {
        try socket.set(.curveServerKey, serverKey)
        try socket.set(.curvePublicKey, client.publicKey)
        try socket.set(.curveSecretKey, client.secretKey)
    }
}
