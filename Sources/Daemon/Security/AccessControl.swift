import Foundation
import SplatCore
import ZeroMQ

/// Who may do what, shared by the I/O thread (every message), the ZAP handler (every
/// handshake) and the signal thread (SIGHUP reloads the clients folder).
///
/// Without CURVE every client is ``ClientAccess/unauthenticated`` (an admin): the daemon then
/// binds only loopback endpoints unless told `insecure`.
final class AccessControl: Sendable {
    /// The server's key pair; nil without CURVE.
    let serverKeys: ZMQCurveKeyPair?
    /// The folder the client certificates are read from.
    let clientsFolder: String?
    private let keyring: Locked<ClientKeyring>
    /// Keys the daemon admits besides the folder's (its own web gateway's), kept on reload.
    private let builtIn = Locked<[String: ClientAccess]>([:])

    /// No CURVE: everyone is an admin.
    init() {
        serverKeys = nil
        clientsFolder = nil
        keyring = Locked(ClientKeyring())
    }

    /// CURVE with the server's secret certificate and the clients folder; returns the
    /// certificates that were skipped, each with why, in ``startupProblems``.
    init(serverSecret: String, clientsFolder: String) throws {
        guard ZMQCurve.isAvailable else { throw SecurityError.curveUnavailable }
        let certificate: ZMQCertificate
        do { certificate = try ZMQCertificate.loadSecret(path: serverSecret) } catch {
            throw SecurityError.serverCertificate(serverSecret, "\(error)")
        }
        serverKeys = certificate.keyPair
        self.clientsFolder = clientsFolder
        keyring = Locked(try ClientKeyring(folder: clientsFolder))
    }

    /// Whether every endpoint requires CURVE.
    var isEnabled: Bool { serverKeys != nil }

    /// Certificates skipped by the last (re)load.
    var problems: [String] { keyring.withLock { $0.problems } }

    /// Number of client keys known.
    var clientCount: Int { keyring.withLock { $0.clients.count } }

    /// The access of a message's sender from its ZAP `User-Id` (the client's public key);
    /// nil when CURVE is on and the key is not (or no longer) known.
    func access(userID: String?) -> ClientAccess? {
        guard isEnabled else { return .unauthenticated }
        guard let userID else { return nil }
        return builtIn.withLock { $0[userID] } ?? keyring.withLock { $0.access(forKey: userID) }
    }

    /// Admits `publicKey` with `access` until the daemon stops, whatever the folder holds.
    func admit(_ publicKey: String, as access: ClientAccess) {
        builtIn.withLock { $0[publicKey] = access }
    }

    /// Stream ids that viewers are granted by name (see ``ClientKeyring/limitedStreamGrants``).
    var limitedStreamGrants: Set<String> { keyring.withLock { $0.limitedStreamGrants } }

    /// Reads the clients folder again. Returns whether some key lost rights (connections
    /// made before must then be authenticated again).
    func reload() throws -> (narrowed: Bool, keyring: ClientKeyring) {
        guard let clientsFolder else { return (false, ClientKeyring()) }
        let fresh = try ClientKeyring(folder: clientsFolder)
        let old = keyring.withLock { k in defer { k = fresh }; return k }
        return (old.isNarrowed(by: fresh), fresh)
    }
}
