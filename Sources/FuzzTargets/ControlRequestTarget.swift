import SplatProtocol
import SwiftProtobuf

extension FuzzTargets {
    /// The control endpoint: one `Request` frame, decoded as `ControlHandler.handle` decodes it
    /// (size limit first), then the daemon's validation of its body.
    static let controlRequest = FuzzTarget(
        name: "request", maximumLength: messageLength,
        summary: "control Request (protobuf) + version check, StreamSettings(open/update), mixing, output URL, avatar path checks",
        seeds: { ProtocolSeeds.requests.map { $0.wireBytes() } },
        run: { bytes in
            guard let request = try? Splatd_V1_Request.decode(
                wire: bytes, limit: WireLimits.maximumRequestBytes, what: "request") else { return }
            DaemonValidation.validate(request)
        })
}
