import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// nginx with the RTMP module (Debian `nginx` + `libnginx-mod-rtmp`, installed by
/// scripts/bootstrap) on a free loopback port: a real media server for live outputs to
/// publish to, and for `ffmpeg` to pull from.
final class RTMPServer {
    static let nginx = "/usr/sbin/nginx"
    static let module = "/usr/lib/nginx/modules/ngx_rtmp_module.so"

    let port: Int
    let folder: URL
    private var process: Process?

    /// Prepares a server on a free port (skips the test when nginx or its RTMP module is missing).
    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.nginx), FileManager.default.fileExists(atPath: Self.module) else {
            throw XCTSkip("nginx with the RTMP module is not installed (scripts/bootstrap installs nginx and libnginx-mod-rtmp)")
        }
        port = try Self.freePort()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configuration = """
            load_module \(Self.module);
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(folder.path)/nginx.pid;
            error_log \(folder.path)/error.log warn;
            events { worker_connections 64; }
            rtmp {
                server {
                    listen 127.0.0.1:\(port);
                    application live { live on; record off; }
                }
            }
            """
        try configuration.write(to: folder.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The URL a stream `key` is published to and pulled from.
    func url(_ key: String) -> String { "rtmp://127.0.0.1:\(port)/live/\(key)" }

    /// Starts nginx and waits until it accepts connections.
    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.nginx)
        p.arguments = ["-c", folder.appendingPathComponent("nginx.conf").path, "-p", folder.path, "-e", folder.appendingPathComponent("error.log").path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.accepts(port: port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let log = (try? String(contentsOf: folder.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
        throw XCTSkip("nginx did not start on port \(port): \(log.suffix(400))")
    }

    /// Stops nginx (its connections close, as when a media server goes away).
    func stop() {
        guard let p = process else { return }
        process = nil
        p.terminate()
        p.waitUntilExit()
    }

    /// A TCP port nobody listens on now (the kernel's choice for port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw HarnessError("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on the loopback `port`.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = UInt16(port).bigEndian
        a.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return a
    }
}
