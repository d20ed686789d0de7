import Daemon
import Foundation
import Rasterizer
import SplatIO
import SplatProtocol
import XCTest
import ZeroMQ

/// Replies and events tell the truth: nothing of a stream after its `stream_closed`, resolved
/// defaults in replies, and an update that changes nothing announces nothing.
final class ProtocolTruthTests: XCTestCase {
    private func openFast(_ d: DaemonHarness, _ id: String) throws -> Splatd_V1_StreamInfo {
        try d.ok {
            $0.openStream = .with {
                $0.streamID = id; $0.avatarID = "demo"; $0.width = 64; $0.height = 64; $0.fps = 60; $0.codec = .raw
            }
        }.stream
    }

    func testNothingOfAStreamFollowsItsClosedEvent() throws {
        let d = try DaemonHarness()
        for trial in 0..<6 {
            let id = "fast\(trial)"
            _ = try openFast(d, id)
            let sub = try d.subscriber([Topic.frames(id), Topic.events])
            XCTAssertNotNil(try sub.nextFrame(topic: Topic.frames(id)), "the stream runs")
            // Close it while it renders at 60 fps (or unload its avatar in the last trial).
            if trial == 5 {
                _ = try d.ok { $0.unloadAvatar = .with { $0.avatarID = "demo" } }
            } else {
                _ = try d.ok { $0.closeStream = .with { $0.streamID = id } }
            }
            try sub.set(.receiveTimeout, .milliseconds(100))
            var closedSeen = false, framesAfter = 0
            let end = Date().addingTimeInterval(0.6)
            while Date() < end, let parts = try sub.receiveMultipart() {
                let topic = String(decoding: parts[0], as: UTF8.self)
                if topic == Topic.events, let e = try? Splatd_V1_Event(serializedBytes: parts[1]), e.streamClosed == id {
                    closedSeen = true
                } else if topic == Topic.frames(id), closedSeen {
                    framesAfter += 1
                }
            }
            XCTAssertTrue(closedSeen, "trial \(trial): stream_closed arrives")
            XCTAssertEqual(framesAfter, 0, "trial \(trial): frames of \(id) after its stream_closed")
            sub.close()
        }
    }

    /// A frame says whether it shows a live drive: IDLE before any, LIVE while frames arrive,
    /// and no longer LIVE once the tracker stopped, although `drive_sequence` still names its
    /// last frame.
    func testFramesSayWhetherTheyShowALiveDrive() throws {
        let d = try DaemonHarness { $0.holdSeconds = 0.1; $0.easeSeconds = 0.1 }
        _ = try openFast(d, "live")
        let sub = try d.subscriber([Topic.frames("live")])
        let before = try XCTUnwrap(try sub.nextFrame(topic: Topic.frames("live")))
        XCTAssertEqual(before.meta.driveState, .idle)
        XCTAssertEqual(before.meta.driveSequence, 0)
        let publisher = try d.drivePublisher()
        var live: Splatd_V1_FrameMeta?
        for k in 1...30 where live == nil {
            try d.send(.with {
                $0.avatarID = "demo"; $0.sequence = UInt64(k); $0.senderTimeUs = 1
                $0.arkit = .with { $0.named = ["jawOpen": 0.5] }
            }, on: publisher)
            Thread.sleep(forTimeInterval: 1.0 / 30)
            while let f = try? sub.receiveMultipart(dontWait: true), f.count == 3 {
                let meta = try Splatd_V1_FrameMeta(serializedBytes: f[1])
                if meta.driveState == .live { live = meta }
            }
        }
        XCTAssertGreaterThan(try XCTUnwrap(live, "frames while the tracker sends are LIVE").driveSequence, 0)
        Thread.sleep(forTimeInterval: 0.5)   // past hold and ease
        while (try? sub.receiveMultipart(dontWait: true)) ?? nil != nil {}
        let after = try XCTUnwrap(try sub.nextFrame(topic: Topic.frames("live")))
        XCTAssertEqual(after.meta.driveState, .idle)
        XCTAssertGreaterThan(after.meta.driveSequence, 0, "the last drive frame is still named, but not as live")
    }

    func testRepliesCarryResolvedBackgroundAndConvention() throws {
        let d = try DaemonHarness()
        let info = try openFast(d, "plain")
        XCTAssertTrue(info.hasBackground, "the demo's own background is reported")
        XCTAssertEqual(info.background.x, 0.32, accuracy: 1e-6)
        XCTAssertEqual(info.convention, .gsplat, "the demo renders in the gsplat convention")
        let chosen = try d.ok {
            $0.openStream = .with {
                $0.streamID = "chosen"; $0.avatarID = "demo"; $0.width = 64; $0.height = 64
                $0.background = .with { $0.x = 1; $0.y = 0; $0.z = 0 }; $0.convention = .inria
            }
        }.stream
        XCTAssertEqual(chosen.background.x, 1)
        XCTAssertEqual(chosen.convention, .inria)
        let listed = try d.ok { $0.listStreams = .init() }.streams.streams.first { $0.streamID == "plain" }
        XCTAssertEqual(listed?.convention, .gsplat)
        XCTAssertEqual(listed?.background.y ?? 0, 0.32, accuracy: 1e-6)
    }

    func testAnUpdateThatChangesNothingAnnouncesNothing() throws {
        let d = try DaemonHarness()
        let before = try openFast(d, "s")
        let events = try d.subscriber([Topic.events])
        Thread.sleep(forTimeInterval: 0.3)   // the subscription reaches the daemon
        let same = try d.ok { $0.updateStream = .with { $0.streamID = "s" } }.stream
        XCTAssertEqual(same, before, "the reply holds the unchanged settings")
        let unchanged = try d.ok { $0.updateStream = .with { $0.streamID = "s"; $0.fps = 60 } }.stream   // already 60
        XCTAssertEqual(unchanged, before)
        _ = try d.ok { $0.updateStream = .with { $0.streamID = "s"; $0.fps = 15 } }
        let event = try events.nextEvent(deadline: 3) { $0.streamUpdated.streamID == "s" }
        XCTAssertEqual(event?.streamUpdated.fps, 15, "the first event is the real change: the no-ops sent none")
    }
}

/// The default camera of a static scene frames its bounds, wherever and however large it is.
final class StaticSceneCameraTests: XCTestCase {
    func testTheDefaultCameraFramesAStaticScene() throws {
        var cloud = SyntheticScene.headShell(count: 3000, seed: 11)
        let offset = SIMD3<Float>(10, 2, -30)
        cloud.positions = cloud.positions.map { $0 * 20 + offset }   // a 4 m "room" far from the origin
        cloud.scales = cloud.scales.map { $0 * 20 }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-room-\(getpid()).ply")
        try SceneFile.write(cloud, to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        let d = try DaemonHarness()
        try d.ok { $0.loadAvatar = .with { $0.avatarID = "room"; $0.path = url.path } }
        let info = try d.ok {
            $0.openStream = .with { $0.streamID = "room"; $0.avatarID = "room"; $0.width = 96; $0.height = 96; $0.codec = .raw }
        }.stream
        // The reply says where the camera is: outside the scene, looking at its centre.
        let m = info.camera.worldToCamera
        let t = SIMD3<Float>(m[3], m[7], m[11])
        let r0 = SIMD3<Float>(m[0], m[1], m[2]), r1 = SIMD3<Float>(m[4], m[5], m[6]), r2 = SIMD3<Float>(m[8], m[9], m[10])
        let eye = -(r0 * t.x + r1 * t.y + r2 * t.z)   // −Rᵀ t
        let distance = ((eye - offset) * (eye - offset)).sum().squareRoot()
        XCTAssertGreaterThan(distance, 8, "the camera stands back from a 4 m scene (at \(distance) m)")

        let sub = try d.subscriber([Topic.frames("room")])
        let frame = try XCTUnwrap(try sub.nextFrame(topic: Topic.frames("room")))
        XCTAssertGreaterThan(Int(frame.meta.gaussiansVisible), 2700, "nearly the whole scene is in view")
    }
}
