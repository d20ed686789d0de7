import Foundation
import ZeroMQ

/// CURVE keys for every socket splatctl opens, when the daemon requires them: the client's
/// secret certificate (`--curve-secret`, else `SPLATD_CURVE_SECRET`) and the daemon's public
/// key (`--server-key`, else `SPLATD_SERVER_KEY`), a 40-character Z85 key or a `.key` file.
///
/// ``GlobalOptions`` checks the flags and passes them on through those environment variables,
/// so that every command, and every socket a command opens, uses the same keys.
enum ClientSecurity {
    static let secretVariable = "SPLATD_CURVE_SECRET"
    static let serverKeyVariable = "SPLATD_SERVER_KEY"

    /// The client's key pair and the server's public key, nil when neither is set.
    static func keys(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (client: ZMQCurveKeyPair, server: String)? {
        let secret = environment[secretVariable].flatMap { $0.isEmpty ? nil : $0 }
        let server = environment[serverKeyVariable].flatMap { $0.isEmpty ? nil : $0 }
        guard secret != nil || server != nil else { return nil }
        guard let secret, let server else {
            throw SplatctlError.keys("--curve-secret (\(secretVariable)) and --server-key (\(serverKeyVariable)) go together: the daemon needs your key, and you need its")
        }
        let certificate: ZMQCertificate
        do { certificate = try ZMQCertificate.loadSecret(path: secret) } catch { throw SplatctlError.keys("\(error)") }
        return (certificate.keyPair!, try serverKey(server))
    }

    /// A Z85 public key, or the public key of a certificate file.
    static func serverKey(_ text: String) throws -> String {
        if ZMQCertificate.isZ85Key(text) { return text }
        do { return try ZMQCertificate.load(path: text).publicKey } catch {
            throw SplatctlError.keys("--server-key takes the daemon's public key (40 characters of Z85, printed by `splatd serve` as \"server key …\") or its .key file: \(error)")
        }
    }

    /// Makes `socket` a CURVE client of the daemon when keys are set; call before connecting.
    static func secure(_ socket: ZMQSocket) throws {
        guard let (client, server) = try keys() else { return }
        do {
            try socket.set(.curveServerKey, server)
            try socket.set(.curvePublicKey, client.publicKey)
            try socket.set(.curveSecretKey, client.secretKey)
        } catch {
            throw SplatctlError.keys("cannot use CURVE keys: \(error)")
        }
    }
}
