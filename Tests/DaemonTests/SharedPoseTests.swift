@testable import Daemon
import Foundation
import SplatProtocol
import XCTest

/// Streams of one avatar at one rate tick together and pose it once per tick: four views of
/// the demo head cost far fewer poses than frames.
final class SharedPoseTests: XCTestCase {
    func testStreamsOfOneAvatarShareTheirPoses() throws {
        let d = try DaemonHarness()
        let ids = (0..<4).map { "view\($0)" }
        for (k, id) in ids.enumerated() {
            try d.ok {
                $0.openStream = .with {
                    $0.streamID = id; $0.avatarID = "demo"; $0.width = 64; $0.height = 64; $0.codec = .raw; $0.fps = 20
                    $0.orbit = .with { $0.yawDegrees = Float(k * 20 - 30) }
                }
            }
        }
        let sub = try d.subscriber(ids.map { Topic.frames($0) })
        let before = try d.ok { $0.getStatus = .init() }.daemonStatus
        var received = 0
        while received < 60, try sub.receiveMultipart() != nil { received += 1 }
        let after = try d.ok { $0.getStatus = .init() }.daemonStatus
        func total(_ s: Splatd_V1_DaemonStatus, _ field: (Splatd_V1_StreamStatus) -> UInt64) -> UInt64 {
            s.streams.filter { ids.contains($0.info.streamID) }.reduce(0) { $0 + field($1) }
        }
        let rendered = total(after, \.framesRendered) - total(before, \.framesRendered)
        let posed = after.poses - before.poses
        XCTAssertGreaterThanOrEqual(rendered, 40, "the streams ran")
        // A machine that renders the four frames of a tick slower than a period (a sanitizer
        // build) skips ticks, and each stream shows the newest one when its turn comes: then
        // they rarely show the same instant, and there is nothing to share.
        let skipped = total(after, \.framesSkipped) - total(before, \.framesSkipped)
        if skipped > 0 { throw XCTSkip("the streams fell behind (\(skipped) ticks skipped), so their ticks differ: \(posed) poses for \(rendered) frames") }
        // One pose per tick for the four frames (the first frames, due at once, each show their
        // own instant); without sharing, one pose per frame.
        XCTAssertLessThanOrEqual(Double(posed), 0.5 * Double(rendered), "\(posed) poses for \(rendered) frames")
        XCTAssertGreaterThan(posed, 0)
    }

    /// The kept poses of an avatar go when it is unloaded: its Gaussians are freed.
    func testAnUnloadedAvatarsPosesAreLetGo() throws {
        let d = try DaemonHarness()
        try d.ok { $0.loadAvatar = .with { $0.avatarID = "other"; $0.path = "demo" } }
        try d.ok { $0.openStream = .with { $0.streamID = "o"; $0.avatarID = "other"; $0.width = 64; $0.height = 64; $0.codec = .raw } }
        let sub = try d.subscriber([Topic.frames("o")])
        for _ in 0..<3 { XCTAssertNotNil(try sub.nextFrame(topic: Topic.frames("o"))) }
        let poses = d.service.scheduler.poses
        XCTAssertEqual(poses.levels.count, 1, "the stream's level is kept while it renders")
        try d.ok { $0.unloadAvatar = .with { $0.avatarID = "other" } }
        let end = Date().addingTimeInterval(5)
        while !poses.levels.isEmpty, Date() < end { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertTrue(poses.levels.isEmpty, "the unloaded avatar's pose is still kept")
    }
}
