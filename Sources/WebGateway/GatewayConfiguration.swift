import Foundation
import SplatCore
import ZeroMQ

/// What a web gateway serves and which daemon it talks to.
public struct GatewayConfiguration: Sendable, Equatable {
    /// The address the HTTP server binds (`127.0.0.1` unless told otherwise).
    public var host: String
    /// Its port (0: any free port; the bound one is reported by `WebGateway.start`).
    public var port: Int
    /// The daemon's endpoints (ZeroMQ URLs, as `splatd serve` binds them).
    public var control: String
    public var drive: String
    public var frames: String
    public var audio: String
    /// The bearer token every request must carry (`Authorization: Bearer …` or `?token=…`);
    /// required when `host` is not a loopback address.
    public var token: String?
    /// Viewing only: control actions (load, unload, streams, outputs), driving and speech are
    /// refused.
    public var readOnly: Bool
    /// The keys for a daemon that requires CURVE (nil: none).
    public var keys: ZMQCurveClientKeys?

    public init(host: String = "127.0.0.1", port: Int = 8080, control: String, drive: String, frames: String, audio: String,
                token: String? = nil, readOnly: Bool = false, keys: ZMQCurveClientKeys? = nil) {
        self.keys = keys
        self.host = host
        self.port = port
        self.control = control
        self.drive = drive
        self.frames = frames
        self.audio = audio
        self.token = token
        self.readOnly = readOnly
    }

    /// Parses `[ADDR:]PORT` (`8080`, `127.0.0.1:8080`, `0.0.0.0:8080`, `[::1]:8080`).
    public static func parseAddress(_ text: String) throws(GatewayError) -> (host: String, port: Int) {
        var host = "127.0.0.1", portText = text
        if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            portText = String(text[text.index(after: colon)...])
        }
        guard let port = Int(portText), (0...65_535).contains(port), !host.isEmpty else {
            throw .invalidAddress(text)
        }
        return (host, port)
    }

    /// Whether `host` only accepts connections from this machine.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Reads a token file: its first line, trimmed; at least 16 characters.
    public static func readToken(file: String) throws(GatewayError) -> String {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw .tokenFile(file, "cannot read it") }
        let token = text.split(separator: "\n", omittingEmptySubsequences: true).first.map {
            $0.trimmingCharacters(in: .whitespaces)
        } ?? ""
        guard token.count >= 16 else { throw .tokenFile(file, "the token (its first line) must be at least 16 characters") }
        return token
    }

    /// Checks the rules: a non-loopback bind needs a token.
    public func validate() throws(GatewayError) {
        if !isLoopback && token == nil { throw .tokenRequired(host) }
    }
}

/// Why a gateway cannot start, with what to do.
public enum GatewayError: Error, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    case tokenFile(String, String)
    case tokenRequired(String)
    case noReply(String)

    public var description: String {
        switch self {
        case let .invalidAddress(text):
            return "--http \(text.quotedForMessage) is not [ADDR:]PORT (e.g. 127.0.0.1:8080)"
        case let .tokenFile(file, reason):
            return "token file \(file.quotedForMessage): \(reason)"
        case let .tokenRequired(host):
            return "binding the web gateway to \(host) (not loopback) needs a token: --http-token-file FILE"
        case let .noReply(what):
            return "the daemon did not answer \(what) (is it running, and are these its endpoints?)"
        }
    }
}
