import Daemon
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
        let rendered = after.streams.filter { ids.contains($0.info.streamID) }.reduce(UInt64(0)) { $0 + $1.framesRendered }
            - before.streams.filter { ids.contains($0.info.streamID) }.reduce(UInt64(0)) { $0 + $1.framesRendered }
        let posed = after.poses - before.poses
        XCTAssertGreaterThanOrEqual(rendered, 40, "the streams ran")
        // One pose per tick for the four frames (the first frames, due at once, each show their
        // own instant); without sharing, one pose per frame.
        XCTAssertLessThanOrEqual(Double(posed), 0.5 * Double(rendered), "\(posed) poses for \(rendered) frames")
        XCTAssertGreaterThan(posed, 0)
    }
}
