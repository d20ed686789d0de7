import ArgumentParser
import Daemon
import Foundation
import Logging
import SplatProtocol
import XCTest
@testable import splatctl

/// Commands that only send (drive, speak) check first that a daemon answers and holds the
/// avatar: they fail with one clear line and exit status 1 instead of succeeding silently.
final class SilentFailureTests: XCTestCase {
    private static let noDaemon = "tcp://127.0.0.1:9"   // the discard port: nothing answers

    private func wav() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("splatctl-\(getpid()).wav")
        try SplatIOWAV.silence(seconds: 0.1).write(to: url)
        return url.path
    }

    func testDriveWithoutADaemonFails() throws {
        let command = try SplatctlCommand.parseAsRoot(["drive", "demo", "--arkit", "jawOpen=1", "--seconds", "0",
                                                       "--control", Self.noDaemon, "--timeout", "0.3"])
        XCTAssertThrowsError(try runCommand(command)) { error in
            XCTAssertEqual(error as? SplatctlError, .noReply(endpoint: Self.noDaemon, timeout: 0.3))
            XCTAssertEqual(SplatctlCommand.exitCode(for: error), .failure, "a runtime failure exits 1, not 64")
        }
    }

    func testSpeakToAnUnknownAvatarFails() throws {
        let service = try SplatService.quiet()
        let endpoints = try service.start()
        defer { service.stop() }
        let file = try wav()
        defer { try? FileManager.default.removeItem(atPath: file) }
        let command = try SplatctlCommand.parseAsRoot(["speak", "nobody", file, "--control", endpoints.control,
                                                       "--audio", endpoints.audio, "--timeout", "2"])
        XCTAssertThrowsError(try runCommand(command)) { error in
            guard case .daemon(let request, .notFound, let message)? = error as? SplatctlError else { return XCTFail("\(error)") }
            XCTAssertEqual(request, "speak")
            XCTAssertTrue(message.contains("nobody") && message.contains("demo"), message)
            XCTAssertEqual(SplatctlCommand.exitCode(for: error), .failure)
        }
    }

    private func runCommand(_ command: ParsableCommand) throws {
        var command = command
        try command.run()
    }
}

/// A silent mono 16 kHz WAV, written without the code under test's reader.
enum SplatIOWAV {
    static func silence(seconds: Double) -> Data {
        let frames = Int(16_000 * seconds)
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(36 + 2 * frames); d.append(contentsOf: Array("WAVE".utf8))
        d.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(1); u16(1); u32(16_000); u32(32_000); u16(2); u16(16)
        d.append(contentsOf: Array("data".utf8)); u32(2 * frames); d.append(Data(count: 2 * frames))
        return d
    }
}

/// `splatctl --version` prints the same release as splatd.
final class SplatctlVersionTests: XCTestCase {
    func testVersionMatchesTheDaemons() {
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["--version"])) {
            XCTAssertEqual(SplatctlCommand.exitCode(for: $0), .success)
            XCTAssertEqual(SplatctlCommand.message(for: $0), SplatService.version)
        }
    }
}
