import ArgumentParser
import Daemon
import Foundation
import SplatProtocol
import XCTest
@testable import splatctl

/// `splatctl watch --out` against a daemon in this process: frames are saved as
/// frame-000000.<ext>, frame-000001.<ext>, … (the names splatd render and splatd-watch use),
/// raw frames as PPM files, with one FrameMeta per line in frames.jsonl.
final class WatchFolderTests: XCTestCase {
    /// Opens `stream` on a quiet daemon, runs `splatctl watch STREAM --out FOLDER` with
    /// `arguments`, and hands `check` the folder (removed afterwards) and its sorted names.
    private func watch(_ stream: Splatd_V1_OpenStream, _ arguments: [String],
                       check: (URL, [String]) throws -> Void) throws {
        let service = try SplatService.quiet()
        let endpoints = try service.start()
        defer { service.stop() }
        let client = try ControlClient(endpoint: endpoints.control, timeout: 10)
        try client.call(.openStream(stream), what: "open")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("splatctl-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var command = try SplatctlCommand.parseAsRoot(["watch", stream.streamID, "--seconds", "30", "--out", folder.path,
                                                       "--control", endpoints.control, "--frames", endpoints.frames] + arguments)
        try command.run()
        try check(folder, try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted())
    }

    /// Each named file is a binary PPM of `width`×`height`.
    private func assertPPMs(_ names: [String], in folder: URL, width: Int, height: Int) throws {
        let header = Array("P6\n\(width) \(height)\n255\n".utf8)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            XCTAssertEqual(Array(bytes.prefix(header.count)), header, name)
            XCTAssertEqual(bytes.count, header.count + width * height * 3, name)
        }
    }

    func testRawFramesAreSavedAsNumberedPPMFiles() throws {
        let tiny = Splatd_V1_OpenStream.with {
            $0.avatarID = "demo"; $0.streamID = "tiny"; $0.width = 24; $0.height = 16; $0.codec = .raw; $0.fps = 30
        }
        try watch(tiny, ["--count", "3"]) { folder, names in
            XCTAssertEqual(names, ["frame-000000.ppm", "frame-000001.ppm", "frame-000002.ppm", "frames.jsonl"])
            try assertPPMs(Array(names.dropLast()), in: folder, width: 24, height: 16)
            let lines = try String(contentsOf: folder.appendingPathComponent("frames.jsonl"), encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(lines.count, 3)
            XCTAssertTrue(lines.allSatisfy { $0.contains("\"streamId\":\"tiny\"") }, "\(lines)")
        }
    }

    /// A stereo stream with one image per eye: each eye's file, frame-000000-view0.ppm and
    /// -view1.ppm, each one eye's size; --verify checks both.
    func testEachViewOfAViewsStreamIsSavedOnItsOwn() throws {
        let eyes = Splatd_V1_OpenStream.with {
            $0.avatarID = "demo"; $0.streamID = "eyes"; $0.width = 48; $0.height = 16; $0.codec = .raw; $0.fps = 30
            $0.stereo = .init(); $0.layout = .views
        }
        try watch(eyes, ["--count", "2", "--verify"]) { folder, names in
            XCTAssertEqual(names, ["frame-000000-view0.ppm", "frame-000000-view1.ppm", "frame-000001-view0.ppm",
                                   "frame-000001-view1.ppm", "frames.jsonl"])
            try assertPPMs(Array(names.dropLast()), in: folder, width: 24, height: 16)
        }
    }
}
