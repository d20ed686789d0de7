import Daemon
import Foundation
import SplatCore
import SplatProtocol
import XCTest
import ZeroMQ

/// H.264 streams over ZeroMQ, decoded by FFmpeg (an independent decoder): a late subscriber
/// starts at a keyframe, `request_keyframe` gives one, the picture matches the raw render.
final class H264StreamTests: XCTestCase {
    /// Decodes an Annex B stream with the `ffmpeg` command-line tool into RGB frames.
    static func decode(_ stream: [UInt8], width: Int, height: Int) throws -> [[UInt8]] {
        let ffmpeg = try ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? { throw XCTSkip("ffmpeg is not installed (scripts/bootstrap installs it)") }()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-h264-\(UUID().uuidString).h264")
        try Data(stream).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ffmpeg)
        p.arguments = ["-v", "error", "-f", "h264", "-i", url.path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = [UInt8](out.fileHandleForReading.readDataToEndOfFile())
        p.waitUntilExit()
        let size = width * height * 3
        return stride(from: 0, to: data.count - size + 1, by: size).map { Array(data[$0..<$0 + size]) }
    }

    static func psnr(_ a: [UInt8], _ b: [UInt8]) -> Double {
        var sum = 0.0
        for i in a.indices { let d = Double(a[i]) - Double(b[i]); sum += d * d }
        return 10 * log10(255 * 255 / max(sum / Double(a.count), 1e-9))
    }

    /// Holds the demo head still (a live tracker sending a neutral face), so every frame shows
    /// the same picture.
    func holdStill(_ d: DaemonHarness) throws -> ZMQSocket {
        let publisher = try d.drivePublisher()
        for k in 1...20 {
            try d.send(.with {
                $0.avatarID = "demo"; $0.sequence = UInt64(k); $0.senderTimeUs = wallClockMicroseconds()
                $0.arkit = .with { $0.weights = Array(repeating: 0, count: 52); $0.headRotation = .init() }
            }, on: publisher)
            Thread.sleep(forTimeInterval: 1.0 / 30)
        }
        return publisher
    }

    func testALateSubscriberDecodesFromItsFirstMessageAndMatchesTheRawRender() throws {
        let d = try DaemonHarness { $0.holdSeconds = 30 }
        let h264 = try d.ok {
            $0.openStream = .with { $0.streamID = "video"; $0.avatarID = "demo"; $0.width = 256; $0.height = 256; $0.codec = .h264; $0.gopSeconds = 60 }
        }.stream
        XCTAssertEqual(h264.codec, .h264)
        XCTAssertEqual(h264.bitrateKbps, 1500, "the default bitrate is reported")
        XCTAssertEqual(h264.gopSeconds, 60)
        try d.ok { $0.openStream = .with { $0.streamID = "still"; $0.avatarID = "demo"; $0.width = 256; $0.height = 256; $0.codec = .raw } }
        let first = try d.subscriber(["frames/video"])
        _ = try holdStill(d)
        XCTAssertNotNil(try first.nextFrame(topic: "frames/video"))
        // Let the stream run past its first keyframe, then a second viewer joins.
        for _ in 0..<10 { _ = try first.nextFrame(topic: "frames/video") }
        let late = try d.subscriber(["frames/video"])
        var units: [ReceivedFrame] = []
        while units.count < 20, let f = try late.nextFrame(topic: "frames/video") { units.append(f) }
        XCTAssertTrue(units[0].meta.keyframe, "a new subscriber's first frame is a keyframe")
        XCTAssertEqual(units.filter(\.meta.keyframe).count, 1, "no other keyframe within a 60 s GOP")
        let decoded = try Self.decode(units.flatMap(\.image), width: 256, height: 256)
        XCTAssertEqual(decoded.count, units.count, "every frame decodes, from the first message on")

        let raw = try XCTUnwrap(try d.subscriber(["frames/still"]).nextFrame(topic: "frames/still")).image
        let quality = decoded.map { Self.psnr($0, raw) }
        XCTAssertGreaterThanOrEqual(quality.min()!, 38, "PSNR against the raw render: \(quality)")
    }

    func testRequestKeyframeAndLiveBitrateChanges() throws {
        let d = try DaemonHarness()
        try d.ok { $0.openStream = .with { $0.streamID = "video"; $0.avatarID = "demo"; $0.width = 128; $0.height = 128; $0.codec = .h264; $0.gopSeconds = 60 } }
        let sub = try d.subscriber(["frames/video"])
        XCTAssertTrue(try XCTUnwrap(try sub.nextFrame(topic: "frames/video")).meta.keyframe)
        for _ in 0..<5 { XCTAssertFalse(try XCTUnwrap(try sub.nextFrame(topic: "frames/video")).meta.keyframe) }
        try d.ok { $0.requestKeyframe = .with { $0.streamID = "video" } }
        var sawKeyframe = false
        for _ in 0..<5 where !sawKeyframe { sawKeyframe = try XCTUnwrap(try sub.nextFrame(topic: "frames/video")).meta.keyframe }
        XCTAssertTrue(sawKeyframe, "request_keyframe gives a keyframe within a few frames")

        let updated = try d.ok { $0.updateStream = .with { $0.streamID = "video"; $0.bitrateKbps = 400 } }.stream
        XCTAssertEqual(updated.bitrateKbps, 400)
        var frames: [ReceivedFrame] = []
        while frames.count < 10, let f = try sub.nextFrame(topic: "frames/video") { frames.append(f) }
        XCTAssertEqual(frames.count, 10, "frames go on after a live bitrate change")
        XCTAssertFalse(frames.contains { $0.meta.keyframe }, "a bitrate change needs no keyframe")
        let crf = try d.ok { $0.updateStream = .with { $0.streamID = "video"; $0.bitrateKbps = 0; $0.quality = 30 } }.stream
        XCTAssertEqual(crf.quality, 30)
        XCTAssertEqual(crf.bitrateKbps, 0)

        let missing = try d.request { $0.requestKeyframe = .with { $0.streamID = "nope" } }
        XCTAssertEqual(missing.status, .notFound)
    }

    /// A client switching codecs while frames flow (the browser's settings form): every frame's
    /// bytes are in the codec its meta names, never the previous encoder's output under the new
    /// codec's name.
    func testEveryFrameIsInTheCodecItsMetaNamesWhileTheCodecChanges() throws {
        let d = try DaemonHarness()
        try d.ok { $0.openStream = .with { $0.streamID = "flip"; $0.avatarID = "demo"; $0.width = 64; $0.height = 64; $0.fps = 60 } }
        let sub = try d.subscriber(["frames/flip"])
        let codecs: [Splatd_V1_Codec] = [.h264, .png, .jpeg, .h264, .raw]
        var seen = 0
        for round in 0..<40 {
            let codec = codecs[round % codecs.count]
            let size: UInt32 = round % 3 == 0 ? 96 : 64
            try d.ok { $0.updateStream = .with { $0.streamID = "flip"; $0.codec = codec; $0.width = size; $0.height = size } }
            for _ in 0..<2 {
                guard let f = try sub.nextFrame(topic: "frames/flip") else { continue }
                seen += 1
                let bytes = f.image, meta = f.meta
                switch meta.codec {
                case .png: XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "frame \(meta.frameSequence) says PNG")
                case .jpeg: XCTAssertEqual(Array(bytes.prefix(2)), [0xFF, 0xD8], "frame \(meta.frameSequence) says JPEG")
                case .h264: XCTAssertTrue(bytes.starts(with: [0, 0, 0, 1]) || bytes.starts(with: [0, 0, 1]),
                                          "frame \(meta.frameSequence) says H.264")
                case .raw: XCTAssertEqual(bytes.count, Int(meta.width * meta.height) * 3, "frame \(meta.frameSequence) says raw")
                default: XCTFail("frame \(meta.frameSequence) has codec \(meta.codec)")
                }
            }
        }
        XCTAssertGreaterThan(seen, 40)
    }

    func testBadH264SettingsAreRefusedWithTheReason() throws {
        let d = try DaemonHarness()
        func refused(_ text: String, _ body: @escaping (inout Splatd_V1_OpenStream) -> Void) throws {
            let reply = try d.request { $0.openStream = .with { $0.avatarID = "demo"; $0.codec = .h264; body(&$0) } }
            XCTAssertEqual(reply.status, .invalidRequest, text)
            XCTAssertTrue(reply.error.contains(text), "\(reply.error) does not say \(text)")
        }
        try refused("even width and height") { $0.width = 255 }
        try refused("bitrate_kbps 10 is outside") { $0.bitrateKbps = 10 }
        try refused("bitrate_kbps 1000000 is outside") { $0.bitrateKbps = 1_000_000 }
        try refused("gop_seconds 100.0 is outside") { $0.gopSeconds = 100 }
        try refused("gop_seconds nan is outside") { $0.gopSeconds = .nan }
        try refused("out of range for H.264") { $0.quality = 60 }
        XCTAssertEqual(try d.ok { $0.ping = .init() }.pong.version, SplatService.version)
    }
}
