import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CURVE security helpers (libzmq built with libsodium).
///
/// A server sets ``ZMQSocketOption/curveServer`` and its ``ZMQSocketOption/curveSecretKey``;
/// a client sets the server's public key (``ZMQSocketOption/curveServerKey``) and its own pair
/// (``ZMQSocketOption/curvePublicKey``, ``ZMQSocketOption/curveSecretKey``). Without a ZAP
/// handler at `inproc://zeromq.zap.01`, the server admits any client key: CURVE then gives
/// encryption, not an allow-list.
public enum ZMQCurve {
    /// Whether this libzmq supports CURVE (`zmq_has("curve")`).
    public static var isAvailable: Bool { ZMQ.has("curve") }

    /// Generates a new key pair (`zmq_curve_keypair`).
    ///
    /// - Throws: `ZMQError` (`ENOTSUP`) when libzmq was built without CURVE.
    public static func keyPair() throws -> ZMQCurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else { throw ZMQError.last("zmq_curve_keypair") }
        return ZMQCurveKeyPair(publicKey: string(publicKey), secretKey: string(secretKey))
    }

    /// Derives the public key of a Z85 secret key (`zmq_curve_public`).
    public static func publicKey(forSecretKey secretKey: String) throws -> String {
        guard secretKey.utf8.count == 40 else {
            throw ZMQError(errno: EINVAL, operation: "zmq_curve_public", message: "a Z85 key has 40 characters, got \(secretKey.utf8.count)")
        }
        var publicKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicKey, secretKey) == 0 else { throw ZMQError.last("zmq_curve_public") }
        return string(publicKey)
    }

    private static func string(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
