import ArgumentParser
import Daemon
import Foundation
import Logging
import SplatProtocol
import XCTest
@testable import splatctl

/// `splatctl watch --out` against a daemon in this process: frames are saved as
/// frame-000000.<ext>, frame-000001.<ext>, … (the names splatd render and splatd-watch use),
/// raw frames as PPM files, with one FrameMeta per line in frames.jsonl.
final class WatchFolderTests: XCTestCase {
    func testRawFramesAreSavedAsNumberedPPMFiles() throws {
        let service = try SplatService.quiet()
        let endpoints = try service.start()
        defer { service.stop() }
        let client = try ControlClient(endpoint: endpoints.control, timeout: 10)
        try client.call(.openStream(.with {
            $0.avatarID = "demo"; $0.streamID = "tiny"; $0.width = 24; $0.height = 16; $0.codec = .raw; $0.fps = 30
        }), what: "open")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("splatctl-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var command = try SplatctlCommand.parseAsRoot(["watch", "tiny", "--count", "3", "--seconds", "30", "--out", folder.path,
                                                       "--control", endpoints.control, "--frames", endpoints.frames])
        try command.run()

        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(names, ["frame-000000.ppm", "frame-000001.ppm", "frame-000002.ppm", "frames.jsonl"])
        let header = Array("P6\n24 16\n255\n".utf8)
        for name in names.dropLast() {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            XCTAssertEqual(Array(bytes.prefix(header.count)), header, name)
            XCTAssertEqual(bytes.count, header.count + 24 * 16 * 3, name)
        }
        let lines = try String(contentsOf: folder.appendingPathComponent("frames.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines.allSatisfy { $0.contains("\"streamId\":\"tiny\"") }, "\(lines)")
    }

    /// A stereo stream with one image per eye: each eye's file, frame-000000-view0.ppm and
    /// -view1.ppm, each one eye's size; --verify checks both.
    func testEachViewOfAViewsStreamIsSavedOnItsOwn() throws {
        let service = try SplatService.quiet()
        let endpoints = try service.start()
        defer { service.stop() }
        let client = try ControlClient(endpoint: endpoints.control, timeout: 10)
        try client.call(.openStream(.with {
            $0.avatarID = "demo"; $0.streamID = "eyes"; $0.width = 48; $0.height = 16; $0.codec = .raw; $0.fps = 30
            $0.stereo = .init(); $0.layout = .views
        }), what: "open")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("splatctl-views-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var command = try SplatctlCommand.parseAsRoot(["watch", "eyes", "--count", "2", "--seconds", "30", "--out", folder.path, "--verify",
                                                       "--control", endpoints.control, "--frames", endpoints.frames])
        try command.run()

        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(names, ["frame-000000-view0.ppm", "frame-000000-view1.ppm", "frame-000001-view0.ppm", "frame-000001-view1.ppm",
                               "frames.jsonl"])
        let header = Array("P6\n24 16\n255\n".utf8)
        for name in names.dropLast() {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            XCTAssertEqual(Array(bytes.prefix(header.count)), header, name)
            XCTAssertEqual(bytes.count, header.count + 24 * 16 * 3, name)
        }
    }
}
