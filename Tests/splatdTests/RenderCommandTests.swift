import ArgumentParser
import Foundation
@testable import splatd
import XCTest

/// `splatd render`: the demo head without --scene or --avatar, the orbit named as in
/// `splatctl open` (--yaw, --pitch), --count for a number of frames and frame files named
/// frame-000000.png, … as splatctl and splatd-watch name them.
final class RenderCommandTests: XCTestCase {
    private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-render-\(UUID().uuidString)")

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Width and height from a PNG's IHDR chunk, read without the code under test.
    private func pngSize(_ url: URL) throws -> (Int, Int) {
        let b = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(Array(b.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(url.lastPathComponent) is not a PNG")
        func be32(_ i: Int) -> Int { b[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20))
    }

    func testWithoutSceneOrAvatarItRendersTheDemoHead() throws {
        let out = folder.appendingPathComponent("head.png").path
        var command = try RenderCommand.parse(["--out", out, "--yaw", "30", "--pitch", "-10"])
        XCTAssertEqual(command.avatarPath, "demo")
        try command.run()
        XCTAssertEqual(try pngSize(URL(fileURLWithPath: out)).0, 512)
        XCTAssertNil(try RenderCommand.parse(["--scene", "s.ply"]).avatarPath)
    }

    func testOptionNamesAndTheirChecks() {
        for (arguments, expected) in [
            (["--orbit-yaw", "30"], "Unknown option '--orbit-yaw'"),
            (["--max-frames", "3"], "Unknown option '--max-frames'"),
            (["--scene", "s.ply", "--yaw", "20"], "--yaw/--pitch move the default avatar camera"),
            (["--camera", "c.json", "--pitch", "5"], "--yaw/--pitch move the default avatar camera"),
            (["--pitch", "89"], "--pitch must be within ±89°"),
            (["--scene", "s.ply", "--params", "p.json"], "--params poses an avatar: give --avatar instead of --scene"),
            (["--count", "3"], "--count limits the frames written to --out-dir"),
            (["--out-dir", "d", "--count", "0"], "--count must be at least 1"),
        ] {
            XCTAssertThrowsError(try RenderCommand.parse(arguments), "\(arguments)") { error in
                let message = RenderCommand.message(for: error)
                XCTAssertTrue(message.contains(expected), "\(arguments): \(message)")
                XCTAssertEqual(RenderCommand.exitCode(for: error).rawValue, 64)
            }
        }
        XCTAssertEqual(try BenchCommand.parse(["--synthetic", "10", "--count", "3"]).count, 3)
        XCTAssertThrowsError(try BenchCommand.parse(["--synthetic", "10", "--frames", "3"]), "--count, as in watch")
    }

    func testMotionFramesAreNamedLikeWatchedFrames() throws {
        let motion = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("AnimatorTests/Fixtures/synthetic-ga-avatar/flame_param.npz")
        let frames = folder.appendingPathComponent("frames")
        var command = try RenderCommand.parse(["--avatar", "demo", "--motion", motion.path, "--out-dir", frames.path, "--count", "2",
                                               "--camera", try camera()])
        try command.run()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: frames.path).sorted(), ["frame-000000.png", "frame-000001.png"])
        let size = try pngSize(frames.appendingPathComponent("frame-000001.png"))
        XCTAssertEqual(size.0, 64)
        XCTAssertEqual(size.1, 48)
    }

    /// A small camera file, so that the motion test renders little.
    private func camera() throws -> String {
        let url = folder.appendingPathComponent("camera.json")
        try Data("""
        {"width": 64, "height": 48, "fx": 180, "fy": 180, "cx": 32, "cy": 24,
         "viewmat_world_to_camera_row_major": [[1, 0, 0, 0], [0, -1, 0, 1.6], [0, 0, -1, 1], [0, 0, 0, 1]]}
        """.utf8).write(to: url)
        return url.path
    }
}
