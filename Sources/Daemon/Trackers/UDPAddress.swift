import SplatCore

/// A UDP listening address as `--livelink` and `--vmc` take it: `[ADDR:]PORT`, the address
/// defaulting to loopback (a tracker on another machine needs `0.0.0.0` or the LAN address).
public struct UDPAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `PORT` or `ADDR:PORT` (IPv4 dotted quad); port 0 picks a free one.
    public init(parsing text: String) throws(ConfigurationError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let portText = parts.last, let port = UInt16(portText) else {
            throw ConfigurationError("\(text.quotedForMessage) is not [ADDRESS:]PORT (e.g. 11111 or 0.0.0.0:11111)")
        }
        let host = parts.count == 2 ? String(parts[0]) : "127.0.0.1"
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else {
            throw ConfigurationError("\(host.quotedForMessage) in \(text.quotedForMessage) is not an IPv4 address")
        }
        self.init(host: host, port: port)
    }

    public var description: String { "\(host):\(port)" }
}
