/// Why the daemon's CURVE set-up cannot be used, with what to change.
public enum SecurityError: Error, Equatable, CustomStringConvertible {
    /// The clients folder cannot be listed.
    case clientsFolder(String, String)
    /// A client certificate cannot be used (it is skipped).
    case certificate(String, String)
    /// The server's secret certificate cannot be used.
    case serverCertificate(String, String)
    /// `--clients` without `--curve-secret`, or the other way round.
    case incomplete(String)
    /// An endpoint that other machines can reach, without CURVE.
    case exposedWithoutCurve(String)
    /// This libzmq cannot do CURVE.
    case curveUnavailable

    public var description: String {
        switch self {
        case let .clientsFolder(folder, reason): "cannot read the clients folder \(folder): \(reason)"
        case let .certificate(path, reason): "client certificate \(path) skipped: \(reason)"
        case let .serverCertificate(path, reason): "server certificate \(path): \(reason)"
        case let .incomplete(message): message
        case let .exposedWithoutCurve(endpoint):
            "\(endpoint) can be reached from other machines, and without --curve-secret anyone there could control the daemon; give --curve-secret and --clients (see docs/operations.md, \"Across machines\"), bind to 127.0.0.1, or pass --insecure on a network you trust"
        case .curveUnavailable: "this libzmq was built without CURVE (libsodium); install Debian's libzmq5"
        }
    }
}
