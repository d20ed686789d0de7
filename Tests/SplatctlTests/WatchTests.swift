import FrameEncoder
import SplatProtocol
import XCTest
@testable import splatctl

/// `watch`'s measurements and image checks.
final class WatchTests: XCTestCase {
    private func meta(_ seq: UInt64, drive: UInt64 = 0, driveSent: UInt64 = 0, render: (UInt64, UInt64, UInt64) = (0, 0, 0)) -> Splatd_V1_FrameMeta {
        .with {
            $0.frameSequence = seq
            $0.driveSequence = drive
            $0.driveSenderTimeUs = driveSent
            $0.renderStartUs = render.0
            $0.renderDoneUs = render.1
            $0.encodeDoneUs = render.2
        }
    }

    func testGapsInFrameSequenceCountAsLost() {
        var s = WatchStatistics(startTime: 0)
        for (i, seq) in [UInt64(1), 2, 5, 6, 9].enumerated() {
            s.add(meta(seq), imageBytes: 10, receivedUs: 0, time: Double(i) * 0.1)
        }
        XCTAssertEqual(s.frames, 5)
        XCTAssertEqual(s.lost, 4)  // 3, 4, 7, 8
        XCTAssertEqual(s.bytes, 50)
        XCTAssertEqual(s.restarts, 0)
        XCTAssertEqual(s.fps, 10, accuracy: 1e-9)
        s.add(meta(1), imageBytes: 10, receivedUs: 0, time: 0.5)  // the stream was re-opened
        XCTAssertEqual(s.restarts, 1)
        XCTAssertEqual(s.lost, 4)
    }

    func testLatencyOnlyForFramesShowingANewDriveFrame() {
        var s = WatchStatistics(startTime: 0)
        // First frame: its drive frame may be long gone; not measured.
        s.add(meta(1, drive: 7, driveSent: 1_000_000), imageBytes: 1, receivedUs: 9_000_000, time: 0)
        s.add(meta(2, drive: 8, driveSent: 2_000_000), imageBytes: 1, receivedUs: 2_040_000, time: 0.033)  // 40 ms
        s.add(meta(3, drive: 8, driveSent: 2_000_000), imageBytes: 1, receivedUs: 2_073_000, time: 0.066)  // repeat: skipped
        s.add(meta(4, drive: 9, driveSent: 2_070_000), imageBytes: 1, receivedUs: 2_100_000, time: 0.1)    // 30 ms
        s.add(meta(5), imageBytes: 1, receivedUs: 2_200_000, time: 0.2)                                    // no drive
        XCTAssertEqual(s.latencyMs, [40, 30])
        XCTAssertTrue(s.report(stream: "cam", now: 1).contains("latency (drive sent → frame received): p50 30.0 / p99 40.0 ms over 2 frames"))
    }

    func testRenderAndEncodeTimesFromTheMeta() {
        var s = WatchStatistics(startTime: 0)
        s.add(meta(1, render: (1_000_000, 1_030_000, 1_031_500)), imageBytes: 1, receivedUs: 1_032_000, time: 0)
        XCTAssertEqual(s.renderMs, [30])
        XCTAssertEqual(s.encodeMs, [1.5])
        XCTAssertEqual(s.deliveryMs, [0.5])
    }

    func testPercentilesNearestRank() throws {
        let p = try XCTUnwrap(Percentiles((1...100).map(Double.init)))
        XCTAssertEqual(p.p50, 50)
        XCTAssertEqual(p.p90, 90)
        XCTAssertEqual(p.p99, 99)
        XCTAssertEqual(p.max, 100)
        XCTAssertEqual(Percentiles([7])?.p99, 7)
        XCTAssertNil(Percentiles([]))
    }

    func testVerifyDecodesAndComparesTheSize() throws {
        let pixels = [UInt8](repeating: 128, count: 32 * 16 * 3)
        var png = try makeEncoder(for: .png(level: 1))
        let pngBytes = try png.encode(pixels, width: 32, height: 16, layout: .rgb8)
        XCTAssertNil(try FrameWatcher.check(pngBytes, codec: .png, width: 32, height: 16))
        XCTAssertEqual(try FrameWatcher.check(pngBytes, codec: .png, width: 16, height: 32), "is 32×16, but its meta says 16×32")
        var jpeg = try makeEncoder(for: .jpeg(quality: 80))
        let jpegBytes = try jpeg.encode(pixels, width: 32, height: 16, layout: .rgb8)
        XCTAssertNil(try FrameWatcher.check(jpegBytes, codec: .jpeg, width: 32, height: 16))
        XCTAssertThrowsError(try FrameWatcher.check(Array(jpegBytes.prefix(40)), codec: .jpeg, width: 32, height: 16))
        XCTAssertNil(try FrameWatcher.check(pixels, codec: .raw, width: 32, height: 16))
        XCTAssertNotNil(try FrameWatcher.check(pixels, codec: .raw, width: 32, height: 17))
    }

    func testEventLines() {
        XCTAssertEqual(FrameWatcher.describe(.with { $0.streamClosed = "default" }, watching: "default"),
                       "stream closed: default (the stream being watched: no more frames unless it is opened again)")
        XCTAssertEqual(FrameWatcher.describe(.with { $0.avatarUnloaded = "demo" }, watching: "default"), "avatar unloaded: demo")
        XCTAssertEqual(FrameWatcher.describe(.with { $0.error = "boom" }, watching: "x"), "daemon error: boom")
    }
}
