import ArgumentParser
import Daemon
import Foundation
@testable import splatd
import XCTest

/// `splatd serve`: flags given on the command line override the configuration file; what they do
/// not name comes from the file.
final class ServeConfigurationTests: XCTestCase {
    func testFlagsOverrideTheConfigFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-serve-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("""
        {"control": "tcp://127.0.0.1:7001", "drive": "tcp://127.0.0.1:7002", "renderThreads": 1,
         "holdSeconds": 2.5, "avatarRoots": ["/srv/avatars"], "maximumAvatars": 3}
        """.utf8).write(to: file)

        let fromFile = try ServeCommand.parse(["--config", file.path]).configuration()
        XCTAssertEqual(fromFile.control, "tcp://127.0.0.1:7001")
        XCTAssertEqual(fromFile.renderThreads, 1)
        XCTAssertEqual(fromFile.avatarRoots, ["/srv/avatars"])
        XCTAssertTrue(fromFile.loadDemo)

        let merged = try ServeCommand.parse([
            "--config", file.path, "--control", "tcp://127.0.0.1:8001", "--render-threads", "2",
            "--avatar-root", "/data/a", "--avatar-root", "/data/b", "--no-demo",
        ]).configuration()
        XCTAssertEqual(merged.control, "tcp://127.0.0.1:8001", "a flag beats the file")
        XCTAssertEqual(merged.renderThreads, 2)
        XCTAssertEqual(merged.avatarRoots, ["/data/a", "/data/b"], "repeated flags replace the file's list")
        XCTAssertFalse(merged.loadDemo)
        XCTAssertEqual(merged.drive, "tcp://127.0.0.1:7002", "what no flag names comes from the file")
        XCTAssertEqual(merged.holdSeconds, 2.5)
        XCTAssertEqual(merged.maximumAvatars, 3)

        let defaults = try ServeCommand.parse([]).configuration()
        XCTAssertEqual(defaults.control, DaemonConfiguration().control)
    }

    func testAnUnreadableConfigFileIsAClearError() {
        XCTAssertThrowsError(try ServeCommand.parse(["--config", "/nonexistent/splatd.json"]).configuration()) {
            XCTAssertTrue("\($0)".contains("/nonexistent/splatd.json"), "\($0)")
        }
    }
}

/// A daemon that cannot start is a runtime failure: one clear line, exit status 1.
final class ServeFailureTests: XCTestCase {
    func testAPortInUseSaysSoAndExitsOne() throws {
        // Something already listens on the control port.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                guard bind(listener, $0, length) == 0, listen(listener, 1) == 0, getsockname(listener, $0, &length) == 0 else {
                    throw XCTSkip("cannot bind a loopback port here")
                }
            }
        }
        let port = UInt16(bigEndian: address.sin_port)
        var command = try ServeCommand.parse(["--control", "tcp://127.0.0.1:\(port)", "--drive", "tcp://127.0.0.1:*",
                                              "--frames", "tcp://127.0.0.1:*", "--audio", "tcp://127.0.0.1:*", "--no-demo"])
        XCTAssertThrowsError(try command.run()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("already in use"), text)
            XCTAssertTrue(text.contains("another splatd"), text)
            XCTAssertFalse(text.contains("\n"), "one line")
            XCTAssertFalse(error is ValidationError, "not a command-line mistake")
            XCTAssertEqual(SplatdCommand.exitCode(for: error), .failure)
        }
    }
}

/// Both executables answer `--version` with the same release.
final class VersionTests: XCTestCase {
    func testSplatdPrintsItsVersion() {
        XCTAssertEqual(SplatdCommand.configuration.version, SplatService.version)
        XCTAssertFalse(SplatService.version.isEmpty)
        XCTAssertThrowsError(try SplatdCommand.parseAsRoot(["--version"])) {
            XCTAssertEqual(SplatdCommand.exitCode(for: $0), .success)
            XCTAssertEqual(SplatdCommand.message(for: $0), SplatService.version)
        }
    }
}
