/// A CURVE key pair as 40-character Z85 strings. Printing it never shows the secret key.
public struct ZMQCurveKeyPair: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The public key (share it with peers).
    public let publicKey: String
    /// The secret key (keep it private).
    public let secretKey: String

    /// Creates a pair from Z85 keys.
    public init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// The public key, with the secret key redacted.
    public var description: String { "ZMQCurveKeyPair(publicKey: \(publicKey), secretKey: <redacted>)" }

    /// Same as ``description``.
    public var debugDescription: String { description }
}
