#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bound IPv4 UDP socket that receives datagrams, waiting at most a given time for one (so
/// its thread can notice a stop request).
final class UDPSocket: @unchecked Sendable {
    // @unchecked: the descriptor is used by the one listener thread; `close()` runs after that
    // thread has ended.
    private var fd: Int32
    /// The address actually bound ("127.0.0.1:11111"; port 0 resolved).
    let boundAddress: UDPAddress

    /// Largest datagram read; a longer one is cut and refused by its decoder.
    static let maximumDatagramBytes = 65_536

    init(binding address: UDPAddress) throws(UDPSocketError) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = address.port.bigEndian
        guard inet_pton(AF_INET, address.host, &sin.sin_addr) == 1 else {
            Glibc.close(fd)
            throw .badAddress(address.description)
        }
        let bound = withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let e = errno
            Glibc.close(fd)
            throw .bind(address.description, e)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        boundAddress = UDPAddress(host: address.host, port: UInt16(bigEndian: actual.sin_port))
    }

    /// The next datagram and its sender ("address:port"), or nil when none came within
    /// `timeoutMilliseconds`.
    func receive(into buffer: inout [UInt8], timeoutMilliseconds: Int32) throws(UDPSocketError) -> (count: Int, sender: String)? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&p, 1, timeoutMilliseconds)
        if ready < 0 {
            if errno == EINTR { return nil }
            throw .system("poll", errno)
        }
        guard ready > 0 else { return nil }
        var from = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let n = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT), $0, &length)
                }
            }
        }
        if n < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return nil }
            throw .system("recvfrom", errno)
        }
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &from.sin_addr, &text, socklen_t(text.count))
        let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (n, "\(host):\(UInt16(bigEndian: from.sin_port))")
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}

/// Why a UDP socket could not be opened or read.
enum UDPSocketError: Error, CustomStringConvertible {
    case badAddress(String)
    case bind(String, Int32)
    case system(String, Int32)

    var description: String {
        switch self {
        case let .badAddress(a): return "\(a): not an IPv4 address"
        case let .bind(a, e):
            var text = "cannot bind UDP \(a): \(String(cString: strerror(e)))"
            if e == EADDRINUSE { text += " — another splatd or tracker receiver may be using that port; pick another one" }
            return text
        case let .system(call, e): return "\(call): \(String(cString: strerror(e)))"
        }
    }
}
