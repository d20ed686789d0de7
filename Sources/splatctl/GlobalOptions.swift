import ArgumentParser
import Foundation
import SwiftProtobuf

/// Options every command accepts, before or after the command name
/// (`splatctl --control tcp://host:5555 status` and `splatctl status --control …` are the same).
///
/// They are listed once, in `splatctl --help`: subcommands declare them with
/// `@OptionGroup(visibility: .hidden)`. Each endpoint comes from its flag, else from its
/// environment variable (`SPLATD_CONTROL`, `SPLATD_DRIVE`, `SPLATD_FRAMES`, `SPLATD_AUDIO`,
/// the same variables the Python tools read), else from splatd's default.
struct GlobalOptions: ParsableArguments {
    /// One of the daemon's four endpoints.
    enum Endpoint: String, CaseIterable {
        case control, drive, frames, audio

        /// The command-line flag (`--control`).
        var flag: String { "--\(rawValue)" }
        /// The environment variable that sets it when the flag is absent (`SPLATD_CONTROL`).
        var variable: String { "SPLATD_\(rawValue.uppercased())" }
        /// splatd's default for it.
        var defaultValue: String {
            switch self {
            case .control: return "tcp://127.0.0.1:5555"
            case .drive: return "tcp://127.0.0.1:5556"
            case .frames: return "tcp://127.0.0.1:5557"
            case .audio: return "tcp://127.0.0.1:5558"
            }
        }
    }

    @Option(name: .customLong("control"), help: ArgumentHelp(
        "The daemon's control endpoint (ROUTER). (default: $SPLATD_CONTROL, else tcp://127.0.0.1:5555)", valueName: "endpoint"))
    var controlFlag: String?

    @Option(name: .customLong("drive"), help: ArgumentHelp(
        "The daemon's drive endpoint (SUB). (default: $SPLATD_DRIVE, else tcp://127.0.0.1:5556)", valueName: "endpoint"))
    var driveFlag: String?

    @Option(name: .customLong("frames"), help: ArgumentHelp(
        "The daemon's frames endpoint (XPUB). (default: $SPLATD_FRAMES, else tcp://127.0.0.1:5557)", valueName: "endpoint"))
    var framesFlag: String?

    @Option(name: .customLong("audio"), help: ArgumentHelp(
        "The daemon's audio endpoint (PULL). (default: $SPLATD_AUDIO, else tcp://127.0.0.1:5558)", valueName: "endpoint"))
    var audioFlag: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for each control reply.", valueName: "seconds"))
    var timeout: Double = 10

    @Flag(name: .long, help: "Print replies as JSON (protobuf JSON mapping) instead of text.")
    var json = false

    @Option(name: .long, help: ArgumentHelp(
        "Your secret certificate, when the daemon requires CURVE (from `splatctl keygen`). (default: $SPLATD_CURVE_SECRET)",
        valueName: "file.key_secret"))
    var curveSecret: String?

    @Option(name: .long, help: ArgumentHelp(
        "The daemon's public key (40 characters of Z85) or its .key file, with --curve-secret. (default: $SPLATD_SERVER_KEY)",
        valueName: "key"))
    var serverKey: String?

    /// The control endpoint (flag, else `SPLATD_CONTROL`, else the default).
    var control: String { endpoint(.control) }
    /// The drive endpoint (flag, else `SPLATD_DRIVE`, else the default).
    var drive: String { endpoint(.drive) }
    /// The frames endpoint (flag, else `SPLATD_FRAMES`, else the default).
    var frames: String { endpoint(.frames) }
    /// The audio endpoint (flag, else `SPLATD_AUDIO`, else the default).
    var audio: String { endpoint(.audio) }

    /// The value given on the command line for `endpoint`, if any.
    func flag(_ endpoint: Endpoint) -> String? {
        switch endpoint {
        case .control: return controlFlag
        case .drive: return driveFlag
        case .frames: return framesFlag
        case .audio: return audioFlag
        }
    }

    /// `endpoint` and where it came from (`--control`, `SPLATD_CONTROL`, or `nil` for the
    /// default): flags over the environment over the defaults. An empty variable counts as unset.
    func resolve(_ endpoint: Endpoint, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (value: String, source: String?) {
        if let given = flag(endpoint) { return (given, endpoint.flag) }
        if let set = environment[endpoint.variable], !set.isEmpty { return (set, endpoint.variable) }
        return (endpoint.defaultValue, nil)
    }

    /// The endpoint to use: flag, else environment variable, else default.
    func endpoint(_ endpoint: Endpoint, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        resolve(endpoint, environment: environment).value
    }

    func validate() throws {
        try validate(environment: ProcessInfo.processInfo.environment)
        // The keys reach every socket any command opens through the environment (ClientSecurity).
        if let curveSecret { setenv(ClientSecurity.secretVariable, curveSecret, 1) }
        if let serverKey { setenv(ClientSecurity.serverKeyVariable, serverKey, 1) }
        _ = try ClientSecurity.keys()
    }

    /// Checks the timeout and every endpoint, naming the flag or variable a bad value came from.
    func validate(environment: [String: String]) throws {
        guard timeout.isFinite, timeout > 0, timeout <= 86_400 else {
            throw ValidationError("--timeout must be a number of seconds above 0 (and at most 86400), got \(timeout)")
        }
        for endpoint in Endpoint.allCases {
            let (value, source) = resolve(endpoint, environment: environment)
            guard !value.contains("://") else { continue }
            if source == endpoint.variable {
                // Not a mistake on this command line: a runtime failure (exit 1), without usage.
                throw SplatctlError.badVariable(name: endpoint.variable, value: value, example: endpoint.defaultValue)
            }
            var message = "\(endpoint.flag) \(value) is not an endpoint; use transport://address, e.g. \(endpoint.defaultValue)"
            if endpoint == .frames, !value.isEmpty, value.allSatisfy(\.isNumber) {
                message += " (to stop `watch` after \(value) frames, use --count \(value))"
            }
            throw ValidationError(message)
        }
    }

    /// Connects a control client with these options.
    func controlClient() throws -> ControlClient {
        try ControlClient(endpoint: control, timeout: timeout)
    }

    /// Prints `message` as JSON (protobuf JSON mapping) on one block.
    func printJSON(_ message: any SwiftProtobuf.Message) {
        print(Self.json(message))
    }

    /// `message` in the protobuf JSON mapping (`jsonString()`); proto3 JSON writes 64-bit
    /// integers as strings and leaves out fields with default values.
    static func json(_ message: any SwiftProtobuf.Message) -> String {
        (try? message.jsonString()) ?? "{}"
    }
}
