#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks endpoints for mistakes that libzmq does not catch itself.
///
/// libzmq 4.3.4 reads TCP ports modulo 65536: `tcp://127.0.0.1:99999` binds (or connects to)
/// port 34463 and `:-1` port 65535, without an error.
enum EndpointCheck {
    /// Throws `EINVAL` for a `tcp://` or `udp://` endpoint whose port is a number outside
    /// 0...65535; other endpoints are left to libzmq.
    static func validate(_ endpoint: String, operation: @autoclosure () -> String) throws {
        guard endpoint.hasPrefix("tcp://") || endpoint.hasPrefix("udp://"),
              let colon = endpoint.lastIndex(of: ":") else { return }
        let port = endpoint[endpoint.index(after: colon)...]
        guard let number = Int(port), !(0...65535).contains(number) else { return }
        throw ZMQError(errno: EINVAL, operation: operation(),
                       message: "Invalid argument (port \(port) is outside 0-65535)")
    }
}
