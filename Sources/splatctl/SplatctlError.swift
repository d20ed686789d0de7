import Foundation
import SplatProtocol

/// Why a `splatctl` command failed. Each message says what went wrong and, where there is
/// one, what to do about it; ArgumentParser prints it after `Error:` and exits with status 1.
enum SplatctlError: Error, CustomStringConvertible, Equatable {
    /// No reply arrived on the control endpoint within the timeout.
    case noReply(endpoint: String, timeout: Double)
    /// The daemon answered with a status other than OK.
    case daemon(request: String, status: Splatd_V1_Status, message: String)
    /// The daemon's reply could not be decoded, or did not carry the expected body.
    case badReply(request: String, reason: String)
    /// An endpoint could not be used (malformed, unsupported transport, port out of range).
    case badEndpoint(endpoint: String, reason: String)
    /// A local file or folder could not be written or created.
    case cannotWrite(path: String, reason: String)
    /// `watch --verify` found frames whose image does not match their metadata.
    case verificationFailed(failed: Int, checked: Int)
    /// A ZeroMQ operation failed while talking to the daemon.
    case transport(String)
    /// An environment variable (`SPLATD_CONTROL`, …) holds something that is not an endpoint.
    case badVariable(name: String, value: String, example: String)
    /// CURVE keys that cannot be used.
    case keys(String)

    var description: String {
        switch self {
        case let .noReply(endpoint, timeout):
            return "no reply from \(endpoint) within \(Format.seconds(timeout)) — is splatd running? "
                + "(start it with `splatd serve`, or point --control or SPLATD_CONTROL at its control endpoint; a slow load may need a longer --timeout)"
                + (ProcessInfo.processInfo.environment[ClientSecurity.secretVariable].map { $0.isEmpty ? "" : " — with CURVE, a key the daemon does not know (not in its --clients folder, or revoked) gets no reply at all, and so does a wrong --server-key" } ?? " — if the daemon requires CURVE keys, give --curve-secret and --server-key")
        case let .daemon(request, status, message):
            let text = message.isEmpty ? "(no explanation given)" : message
            return "\(request) failed: \(Format.status(status)): \(text)\(Self.hint(for: status, request: request, message: message))"
        case let .badReply(request, reason):
            return "\(request): the daemon's reply is not understood (\(reason)); do splatd and splatctl come from the same version?"
        case let .badEndpoint(endpoint, reason):
            return "cannot use endpoint \(endpoint): \(reason) (expected e.g. tcp://127.0.0.1:5555 or ipc:///tmp/splatd-control)"
        case let .cannotWrite(path, reason):
            return "cannot write \(path): \(reason)"
        case let .verificationFailed(failed, checked):
            return "\(failed) of \(checked) frames failed verification (see the messages above)"
        case let .transport(message):
            return message
        case let .badVariable(name, value, example):
            return "\(name)=\(value) is not an endpoint; set it to transport://address, e.g. \(example), or unset it"
        case let .keys(message):
            return message
        }
    }

    /// A next step for common failures, unless the daemon's message already gives one.
    static func hint(for status: Splatd_V1_Status, request: String, message: String = "") -> String {
        switch status {
        case .notFound:
            if message.hasPrefix("no stream") { return " (see `splatctl streams` for the open streams)" }
            if message.hasPrefix("no avatar") { return " (see `splatctl list` for the loaded avatars)" }
            return ""
        case .alreadyExists:
            if message.contains("replace") { return " (with splatctl: --replace)" }
            return request.hasPrefix("load") ? " (pass --replace to swap it, or choose another --id)" : " (choose another --id, or `splatctl close` it first)"
        case .limitReached:
            return " (see `splatctl status`)"
        case .busy:
            return " (retry in a moment)"
        case .permissionDenied:
            return " (the role in your certificate's metadata decides; ask the daemon's operator)"
        default:
            return ""
        }
    }
}
