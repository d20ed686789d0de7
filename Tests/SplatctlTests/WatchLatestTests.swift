import Daemon
import Foundation
import Logging
import SplatCore
import SplatProtocol
import XCTest
@testable import splatctl

/// `watch --latest` against a daemon in this process: a viewer that was busy for 2 s shows a
/// frame from now, not one from 2 s ago; a recorder-style watcher gets the old ones.
final class WatchLatestTests: XCTestCase {
    private var service: SplatService!
    private var endpoints: DaemonEndpoints!
    private var folder: URL!

    override func setUpWithError() throws {
        service = try SplatService.quiet()
        endpoints = try service.start()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("splatctl-latest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        service?.stop()
        service = nil
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private func watcher(_ name: String, stream: String, latest: Bool, count: Int) throws -> FrameWatcher {
        let control = endpoints.control
        return try FrameWatcher(.init(
            endpoint: endpoints.frames, stream: stream, outDirectory: folder.appendingPathComponent(name),
            frameLimit: count, secondsLimit: 10, latest: latest,
            requestKeyframe: { _ = try? ControlClient(endpoint: control, timeout: 2).call(.requestKeyframe(.with { $0.streamID = stream }), what: "keyframe") }))
    }

    /// The FrameMeta of the frames a watcher handled, from its frames.jsonl.
    private func handled(_ name: String) throws -> [Splatd_V1_FrameMeta] {
        let text = try String(contentsOf: folder.appendingPathComponent(name).appendingPathComponent("frames.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { try Splatd_V1_FrameMeta(jsonString: String($0)) }
    }

    /// Two viewers subscribe, then are busy elsewhere for 2 s while a JPEG stream runs at
    /// 30 fps. Back, the recorder-style one works through everything that queued up (2 s of old
    /// frames); the `--latest` one handles at most a few old frames — the newest of each batch
    /// that arrived — before it shows frames rendered after its return.
    func testABusyViewerCatchesUpAtOnce() throws {
        try open("live", codec: .jpeg)
        let live = try watcher("latest", stream: "live", latest: true, count: 20)
        let recorder = try watcher("all", stream: "live", latest: false, count: 20)
        Thread.sleep(forTimeInterval: 2)
        let back = wallClockMicroseconds() - 100_000
        _ = try live.run()
        _ = try recorder.run()
        let old = { (frames: [Splatd_V1_FrameMeta]) in frames.filter { $0.frameTimeUs < back }.count }
        let shown = try handled("latest"), all = try handled("all")
        print("--latest handled \(old(shown)) old frames \(shown.map(\.frameSequence)), skipped \(live.statistics.stale); the recorder \(old(all))")
        // A few batches arrive as the backlog drains (more on a loaded machine), each giving one
        // old frame; the recorder handles every old frame there is.
        XCTAssertLessThanOrEqual(old(shown), 10, "--latest handles few old frames: \(shown.map(\.frameSequence))")
        XCTAssertGreaterThan(shown.count - old(shown), 0, "then frames from after its return")
        XCTAssertGreaterThanOrEqual(old(all), old(shown) + 8, "the recorder works through the backlog: \(all.map(\.frameSequence))")
        XCTAssertGreaterThan(live.statistics.stale, 10, "the old frames were skipped: \(live.statistics.stale)")
    }

    /// H.264 frames depend on each other: a `--latest` viewer handles every one it receives,
    /// and after a gap (its small queue overflowed while it was busy) skips to a keyframe,
    /// which it asks for.
    func testALatestH264ViewerResumesAtAKeyframe() throws {
        try open("video", codec: .h264, size: 512, gop: 60)
        // H.264 frames are all handled, backlog included: enough of them to get past it.
        let live = try watcher("h264", stream: "video", latest: true, count: 400)
        Thread.sleep(forTimeInterval: 2)
        let back = wallClockMicroseconds() - 100_000
        _ = try live.run()
        let shown = try handled("h264")
        XCTAssertTrue(shown.first?.keyframe ?? false, "the first frame is the subscription's keyframe")
        for (previous, next) in zip(shown, shown.dropFirst()) where next.frameSequence != previous.frameSequence + 1 {
            XCTAssertTrue(next.keyframe, "after the gap \(previous.frameSequence)→\(next.frameSequence) comes a keyframe")
        }
        XCTAssertTrue(shown.contains { $0.frameTimeUs >= back }, "it catches up with frames from after its return")
        XCTAssertGreaterThan(live.statistics.frames, 0)
    }

    private func open(_ id: String, codec: Splatd_V1_Codec, size: UInt32 = 128, gop: Float = 0) throws {
        let client = try ControlClient(endpoint: endpoints.control, timeout: 10)
        try client.call(.openStream(.with {
            $0.avatarID = "demo"; $0.streamID = id; $0.width = size; $0.height = size; $0.fps = 30; $0.codec = codec
            if gop > 0 { $0.gopSeconds = gop }
        }), what: "open")
    }
}
