import ArgumentParser
import WebGateway

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

    /// The gateway's configuration against the daemon's endpoints, or nil without `--http`.
    func configuration(control: String, drive: String, frames: String, audio: String) throws -> GatewayConfiguration? {
        guard let http else {
            if httpTokenFile != nil || httpReadOnly { throw ValidationError("--http-token-file and --http-read-only need --http") }
            return nil
        }
        do {
            let (host, port) = try GatewayConfiguration.parseAddress(http)
            let token = try httpTokenFile.map { file throws(GatewayError) in try GatewayConfiguration.readToken(file: file) }
            let c = GatewayConfiguration(host: host, port: port, control: control, drive: drive, frames: frames, audio: audio,
                                         token: token, readOnly: httpReadOnly)
            try c.validate()
            return c
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
