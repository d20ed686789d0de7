import Daemon
import Foundation
import SplatProtocol
import XCTest
import ZeroMQ

/// When the machine cannot render every stream on time, each gets frames in proportion to the
/// fps it asked for.
final class FairShareTests: XCTestCase {
    func testA10fpsAndA30fpsStreamKeepTheirRatioOnASaturatedMachine() throws {
        if ProcessInfo.processInfo.environment["TSAN_OPTIONS"] != nil {
            throw XCTSkip("under ThreadSanitizer too few frames render for a ratio")
        }
        let d = try DaemonHarness()
        // Two 1024² streams (every Gaussian: no level of detail at that size) want 40 frames a
        // second together; in a debug build one frame takes about a hundred milliseconds, so the
        // machine is saturated.
        try d.ok { $0.openStream = .with { $0.streamID = "main"; $0.avatarID = "demo"; $0.fps = 30; $0.width = 1024; $0.height = 1024 } }
        // Another view (streams of one view share their renders).
        try d.ok { $0.openStream = .with { $0.streamID = "preview"; $0.avatarID = "demo"; $0.fps = 10; $0.width = 1024; $0.height = 1024
                                           $0.orbit = .with { $0.yawDegrees = 20 } } }
        let sub = try d.subscriber([Topic.frames("main"), Topic.frames("preview")])
        func rendered() throws -> [String: UInt64] {
            let status = try d.ok { $0.getStatus = .init() }.daemonStatus
            return Dictionary(uniqueKeysWithValues: status.streams.map { ($0.info.streamID, $0.framesRendered) })
        }
        // Keep the subscriber's queue drained while the streams run.
        func drain(seconds: Double) {
            let end = Date().addingTimeInterval(seconds)
            try? sub.set(.receiveTimeout, .milliseconds(50))
            while Date() < end { _ = try? sub.receiveMultipart() }
        }
        drain(seconds: 2)
        let before = try rendered()
        drain(seconds: 8)
        let after = try rendered()
        let main = Double(after["main", default: 0] - before["main", default: 0])
        let preview = Double(after["preview", default: 0] - before["preview", default: 0])
        let fps = (main + preview) / 8
        print("main \(main), preview \(preview) frames in 8 s (\(fps) fps rendered)")
        guard fps < 30 else { throw XCTSkip("this machine renders \(fps) fps: not saturated, nothing to share") }
        XCTAssertGreaterThan(preview, 0, "the 10 fps stream starved")
        let ratio = main / max(preview, 1)
        XCTAssertGreaterThan(ratio, 2.2, "main \(main) vs preview \(preview) frames: not shared by fps")
        XCTAssertLessThan(ratio, 4.0, "main \(main) vs preview \(preview) frames: not shared by fps")
    }
}
