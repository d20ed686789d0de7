import Daemon
import Foundation
import SplatProtocol
import XCTest
import ZeroMQ

/// When the machine cannot serve every stream: status says which fall short and by how much,
/// and `open_stream` with admission control refuses a stream that would not fit.
final class AdmissionTests: XCTestCase {
    func testStatusNamesTheShortfallAndAdmissionControlRefusesWhatWouldNotFit() throws {
        let d = try DaemonHarness()
        // Before anything was measured there is nothing to refuse on. (1 fps: a 64² frame may
        // take 0.2 s under ThreadSanitizer, and this stream stays watched to the end.)
        try d.ok { $0.openStream = .with { $0.streamID = "first"; $0.avatarID = "demo"; $0.width = 64; $0.height = 64; $0.fps = 1
                                           $0.admissionControl = true } }
        // 1024² at 120 fps asks more than this machine's render thread can give.
        try d.ok { $0.openStream = .with { $0.streamID = "big"; $0.avatarID = "demo"; $0.width = 1024; $0.height = 1024; $0.fps = 120 } }
        let sub = try d.subscriber([Topic.frames("big"), Topic.frames("first")])
        var frames = 0
        let end = Date().addingTimeInterval(20)
        while frames < 15, Date() < end, try sub.nextFrame(topic: Topic.frames("big")) != nil { frames += 1 }
        XCTAssertEqual(frames, 15)

        let status = try d.ok { $0.getStatus = .init() }.daemonStatus
        let big = try XCTUnwrap(status.streams.first { $0.info.streamID == "big" })
        print(String(format: "big: %.1f fps of 120, shortfall %.1f, render load %.2f; daemon render load %.2f",
                     big.fps, big.fpsShortfall, big.renderLoad, status.renderLoad))
        XCTAssertGreaterThan(big.renderLoad, 1, "it needs more than the whole render thread")
        XCTAssertEqual(big.fpsShortfall, 120 - big.fps, accuracy: 1e-6)
        XCTAssertGreaterThan(big.fpsShortfall, 5)
        XCTAssertGreaterThanOrEqual(status.renderLoad, big.renderLoad)

        // Another large stream with admission control is refused, naming the figures; without
        // it, it opens and shares what there is.
        let refused = try d.request { $0.openStream = .with { $0.streamID = "more"; $0.avatarID = "demo"; $0.width = 512; $0.height = 512
                                                              $0.fps = 30; $0.admissionControl = true } }
        XCTAssertEqual(refused.status, .limitReached, refused.error)
        XCTAssertTrue(refused.error.contains("admission control") && refused.error.contains("render thread"), refused.error)
        XCTAssertFalse(try d.ok { $0.listStreams = .init() }.streams.streams.contains { $0.streamID == "more" })
        try d.ok { $0.openStream = .with { $0.streamID = "more"; $0.avatarID = "demo"; $0.width = 512; $0.height = 512; $0.fps = 30 } }

        // With the big streams closed, a small one fits again.
        try d.ok { $0.closeStream = .with { $0.streamID = "big" } }
        try d.ok { $0.closeStream = .with { $0.streamID = "more" } }
        try d.ok { $0.openStream = .with { $0.streamID = "small"; $0.avatarID = "demo"; $0.width = 64; $0.height = 64; $0.fps = 1
                                           $0.admissionControl = true } }
    }
}
