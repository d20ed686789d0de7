import Daemon
import Foundation
import Rasterizer
import SplatIO
import SplatProtocol
import XCTest
import ZeroMQ

/// A small stream renders the demo head's reduced level of detail, a large one every Gaussian,
/// and the levels are those of the avatar loaded now: a `replace` builds them anew.
final class DetailLevelStreamTests: XCTestCase {
    /// The number of Gaussians the latest of a few frames of `stream` projected.
    func visible(_ sub: ZMQSocket, _ stream: String, after check: (Splatd_V1_FrameMeta) -> Bool = { _ in true }) throws -> Int {
        var last: Splatd_V1_FrameMeta?
        let end = Date().addingTimeInterval(10)
        while Date() < end, let f = try sub.nextFrame(topic: Topic.frames(stream)) {
            if check(f.meta) { last = f.meta; break }
        }
        return Int(try XCTUnwrap(last, "no frame of \(stream)").gaussiansVisible)
    }

    func testSmallStreamsRenderAReducedHeadAndReplaceRebuildsIt() throws {
        let d = try DaemonHarness()
        let full = Int(try d.ok { $0.listAvatars = .init() }.avatars.avatars.first { $0.avatarID == "demo" }!.gaussians)
        try d.ok { $0.openStream = .with { $0.streamID = "small"; $0.avatarID = "demo"; $0.width = 128; $0.height = 128 } }
        try d.ok { $0.openStream = .with { $0.streamID = "large"; $0.avatarID = "demo"; $0.width = 1024; $0.height = 1024; $0.fps = 5 } }
        let sub = try d.subscriber([Topic.frames("small"), Topic.frames("large"), Topic.events])
        let small = try visible(sub, "small"), large = try visible(sub, "large")
        print("demo head: \(full) Gaussians; 128² stream renders \(small), 1024² stream \(large)")
        XCTAssertLessThan(small * 2, full, "a 128² stream renders under half the Gaussians")
        XCTAssertGreaterThan(Double(large), 0.95 * Double(full), "a 1024² stream renders (nearly) every Gaussian")

        // Replaced by a 3000-Gaussian scene (which has no levels): the small stream renders it all.
        let scene = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-test-lod-\(getpid()).ply")
        defer { try? FileManager.default.removeItem(at: scene) }
        try SceneFile.write(SyntheticScene.headShell(count: 3000, seed: 3), to: scene)
        try d.ok { $0.loadAvatar = .with { $0.avatarID = "demo"; $0.path = scene.path; $0.replace = true } }
        let sceneVisible = try visible(sub, "small") { $0.gaussiansVisible <= 3000 }
        XCTAssertGreaterThan(sceneVisible, 2500, "the scene, in full")
        // And the demo head again: reduced again, from levels built for it.
        try d.ok { $0.loadAvatar = .with { $0.avatarID = "demo"; $0.path = "demo"; $0.replace = true } }
        let again = try visible(sub, "small") { $0.gaussiansVisible > 3000 }
        XCTAssertEqual(again, small, "the same level as before the replace")
    }
}
