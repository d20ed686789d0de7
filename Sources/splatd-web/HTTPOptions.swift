import ArgumentParser
import WebGateway
import ZeroMQ

/// The web gateway's options, shared by `serve --http` and `web`.
struct HTTPOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Serve the browser pages, the HTTP API and /metrics on [ADDR:]PORT (loopback unless ADDR is given; another address needs --http-token-file).",
        valueName: "addr:port"))
    var http: String?

    @Option(help: ArgumentHelp("A file whose first line is the token every HTTP request and WebSocket must carry (Bearer header or ?token=).",
                               valueName: "file"))
    var httpTokenFile: String?

    @Flag(help: "The gateway only shows: no loading, streams, outputs, driving or speech.")
    var httpReadOnly = false

    @Option(help: ArgumentHelp("The gateway's secret certificate, when the daemon requires CURVE (from `splatctl keygen`).",
                               valueName: "file.key_secret"))
    var curveSecret: String?

    @Option(help: ArgumentHelp("The daemon's public key (40 characters of Z85) or its .key file, with --curve-secret.", valueName: "key"))
    var serverKey: String?

    /// The gateway's configuration against the daemon's endpoints, or nil without `--http`.
    func configuration(control: String, drive: String, frames: String, audio: String) throws -> GatewayConfiguration? {
        guard let http else {
            if httpTokenFile != nil || httpReadOnly { throw ValidationError("--http-token-file and --http-read-only need --http") }
            return nil
        }
        do {
            let (host, port) = try GatewayConfiguration.parseAddress(http)
            let token = try httpTokenFile.map { file throws(GatewayError) in try GatewayConfiguration.readToken(file: file) }
            guard (curveSecret == nil) == (serverKey == nil) else {
                throw ValidationError("--curve-secret and --server-key go together")
            }
            let keys = try curveSecret.map { try ZMQCurveClientKeys(secretCertificate: $0, serverKey: serverKey!) }
            let c = GatewayConfiguration(host: host, port: port, control: control, drive: drive, frames: frames, audio: audio,
                                         token: token, readOnly: httpReadOnly, keys: keys)
            try c.validate()
            return c
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
