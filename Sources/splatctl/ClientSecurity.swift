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
    static func keys(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ZMQCurveClientKeys? {
        let secret = environment[secretVariable].flatMap { $0.isEmpty ? nil : $0 }
        let server = environment[serverKeyVariable].flatMap { $0.isEmpty ? nil : $0 }
        guard secret != nil || server != nil else { return nil }
        guard let secret, let server else {
            throw SplatctlError.keys("--curve-secret (\(secretVariable)) and --server-key (\(serverKeyVariable)) go together: the daemon needs your key, and you need its")
        }
        let client: ZMQCertificate
        do { client = try ZMQCertificate.loadSecret(path: secret) } catch { throw SplatctlError.keys("\(error)") }
        do { return ZMQCurveClientKeys(client: client.keyPair!, serverKey: try ZMQCurveClientKeys.serverKey(server)) } catch {
            throw SplatctlError.keys("--server-key takes the daemon's public key (40 characters of Z85, printed by `splatd serve` as \"server key …\") or its .key file: \(error)")
        }
    }

    /// Makes `socket` a CURVE client of the daemon when keys are set; call before connecting.
    static func secure(_ socket: ZMQSocket) throws {
        guard let keys = try keys() else { return }
        do { try keys.secure(socket) } catch {
            throw SplatctlError.keys("cannot use CURVE keys: \(error)")
        }
    }
}
