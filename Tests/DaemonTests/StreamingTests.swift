import Daemon
import FrameEncoder
import Foundation
import Rasterizer
import SplatCore
import SplatIO
import SplatProtocol
import XCTest
import ZeroMQ

/// End to end over real loopback sockets: load, open, drive, receive, unload.
final class StreamingTests: XCTestCase {
    private static let scenePath: String = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-test-head-\(getpid()).ply")
        try! SceneFile.write(SyntheticScene.headShell(count: 4000, seed: 5), to: url)
        return url.path
    }()

    private func loadHead(_ d: DaemonHarness, id: String) throws {
        try d.ok { $0.loadAvatar = .with { $0.avatarID = id; $0.path = Self.scenePath } }
    }

    private func open(_ d: DaemonHarness, stream: String, avatar: String, size: UInt32 = 96, codec: Splatd_V1_Codec = .png,
                      fps: Float = 30) throws {
        try d.ok {
            $0.openStream = .with {
                $0.streamID = stream; $0.avatarID = avatar; $0.width = size; $0.height = size
                $0.codec = codec; $0.fps = fps; $0.orbit = .with { $0.distance = 0.6 }
            }
        }
    }

    func testDrivenFramesShowTheDriveAndCarryItsSequence() throws {
        let d = try DaemonHarness()
        try loadHead(d, id: "head")
        try open(d, stream: "cam", avatar: "head")
        let sub = try d.subscriber([Topic.frames("cam")])
        guard let neutral = try sub.nextFrame(topic: "frames/cam") else { return XCTFail("no frame") }
        XCTAssertEqual(neutral.meta.driveSequence, 0)
        XCTAssertEqual(neutral.meta.width, 96)
        let neutralImage = try PNGDecoder.decode(neutral.image)
        XCTAssertEqual(neutralImage.width, 96)

        let publisher = try d.drivePublisher()
        for sequence in UInt64(1)...5 {
            try d.send(.with {
                $0.avatarID = "head"; $0.sequence = sequence; $0.senderTimeUs = wallClockMicroseconds()
                $0.flame = .with { $0.rotation = .with { $0.y = 0.6 } }
            }, on: publisher)
            Thread.sleep(forTimeInterval: 0.03)
        }
        var turned: ReceivedFrame?
        for _ in 0..<120 {
            guard let f = try sub.nextFrame(topic: "frames/cam") else { break }
            XCTAssertGreaterThan(f.meta.frameSequence, neutral.meta.frameSequence)
            if f.meta.driveSequence == 5 { turned = f; break }
        }
        guard let turned else { return XCTFail("no frame carried drive sequence 5") }
        XCTAssertGreaterThan(turned.meta.driveSenderTimeUs, 0)
        XCTAssertGreaterThanOrEqual(turned.meta.renderStartUs, turned.meta.driveReceivedUs)
        XCTAssertGreaterThanOrEqual(turned.meta.encodeDoneUs, turned.meta.renderDoneUs)
        // Give the smoothing time to settle, then compare with the neutral frame.
        Thread.sleep(forTimeInterval: 0.3)
        guard let settled = try sub.nextFrame(topic: "frames/cam") else { return XCTFail("no frame") }
        let a = neutralImage.pixels, b = try PNGDecoder.decode(settled.image).pixels
        let changed = zip(a, b).filter { abs(Int($0) - Int($1)) > 8 }.count
        XCTAssertGreaterThan(changed, a.count / 50, "turning the head changes the picture")
    }

    /// The demo head opens its mouth under a live ARKit stream: the frames change in the
    /// mouth region only, and say which drive frame they show.
    func testJawOpenOnTheDemoHeadChangesTheMouthRegion() throws {
        let d = try DaemonHarness()
        try d.ok {
            $0.openStream = .with { $0.streamID = "face"; $0.avatarID = "demo"; $0.width = 256; $0.height = 256; $0.codec = .png }
        }
        let sub = try d.subscriber(["frames/face"])
        let publisher = try d.drivePublisher()
        func drive(_ jaw: Float, from first: UInt64) throws -> DecodedImage {
            // Hold the pose for a while (with a steady drive, no idle blinks or sway).
            var sequence = first
            var last: ReceivedFrame?
            let end = Date().addingTimeInterval(0.6)
            while Date() < end {
                try d.send(.with {
                    $0.avatarID = "demo"; $0.sequence = sequence; $0.senderTimeUs = wallClockMicroseconds()
                    $0.arkit = .with { $0.named = ["jawOpen": jaw] }
                }, on: publisher)
                sequence += 1
                last = try sub.nextFrame(topic: "frames/face")
            }
            let frame = try XCTUnwrap(last)
            XCTAssertGreaterThanOrEqual(frame.meta.driveSequence, first)
            return try PNGDecoder.decode(frame.image)
        }
        let closed = try drive(0, from: 1)
        let open = try drive(1, from: 1000)
        var minX = 256, maxX = 0, minY = 256, maxY = 0, changed = 0
        for y in 0..<256 {
            for x in 0..<256 {
                let i = (y * 256 + x) * 3
                let diff = (0..<3).map { abs(Int(closed.pixels[i + $0]) - Int(open.pixels[i + $0])) }.max()!
                if diff > 40 {
                    changed += 1
                    minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                }
            }
        }
        XCTAssertGreaterThan(changed, 100, "the open mouth shows")
        // The face spans roughly x 70…186, eyes near y 120; the mouth is lower and central.
        XCTAssertGreaterThan(minY, 135, "nothing above the mouth changed (changed box y \(minY)…\(maxY))")
        XCTAssertGreaterThan(minX, 80, "changed box x \(minX)…\(maxX)")
        XCTAssertLessThan(maxX, 176, "changed box x \(minX)…\(maxX)")
    }

    func testUnloadWhileStreamingClosesOnlyItsStreams() throws {
        let d = try DaemonHarness()
        try loadHead(d, id: "a")
        try loadHead(d, id: "b")
        try open(d, stream: "sa", avatar: "a")
        try open(d, stream: "sb", avatar: "b")
        let sub = try d.subscriber(["frames/", Topic.events])
        XCTAssertNotNil(try sub.nextFrame(topic: "frames/sa"))
        XCTAssertNotNil(try sub.nextFrame(topic: "frames/sb"))

        let reply = try d.ok { $0.unloadAvatar = .with { $0.avatarID = "a" } }
        XCTAssertEqual(reply.avatar.avatarID, "a")
        XCTAssertNotNil(try sub.nextEvent { $0.streamClosed == "sa" })
        // The other stream keeps running; the closed one sends nothing more.
        var sbFrames = 0, saFrames = 0
        let end = Date().addingTimeInterval(1.0)
        while Date() < end, let parts = try sub.receiveMultipart() {
            let t = String(decoding: parts[0], as: UTF8.self)
            if t == "frames/sb" { sbFrames += 1 }
            if t == "frames/sa" { saFrames += 1 }
        }
        XCTAssertGreaterThan(sbFrames, 5)
        XCTAssertLessThanOrEqual(saFrames, 1, "at most the frame in flight")
        let streams = try d.ok { $0.listStreams = .init() }.streams.streams.map(\.streamID)
        XCTAssertEqual(streams, ["sb"])
        let avatars = try d.ok { $0.listAvatars = .init() }.avatars.avatars.map(\.avatarID)
        XCTAssertEqual(avatars, ["demo", "b"])
        XCTAssertEqual(try d.request { $0.unloadAvatar = .with { $0.avatarID = "a" } }.status, .notFound)
    }

    /// Replacing an avatar under a running stream swaps what the stream shows without
    /// interrupting it.
    func testReplacingAnAvatarKeepsItsStreamsRunning() throws {
        let d = try DaemonHarness()
        try loadHead(d, id: "head")
        try open(d, stream: "cam", avatar: "head")
        let sub = try d.subscriber(["frames/cam", Topic.events])
        let before = try XCTUnwrap(try sub.nextFrame(topic: "frames/cam"))
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-test-other-\(getpid()).ply")
        var scene = SyntheticScene.headShell(count: 3000, seed: 11)
        scene.positions = scene.positions.map { $0 * 0.5 }  // a smaller head: a different picture
        try SceneFile.write(scene, to: other)
        let reply = try d.ok { $0.loadAvatar = .with { $0.avatarID = "head"; $0.path = other.path; $0.replace = true } }
        XCTAssertEqual(reply.avatar.gaussians, 3000)
        XCTAssertNotNil(try sub.nextEvent { $0.avatarLoaded.avatarID == "head" })
        var after: ReceivedFrame?
        for _ in 0..<30 {
            guard let f = try sub.nextFrame(topic: "frames/cam") else { break }
            after = f
        }
        let a = try PNGDecoder.decode(before.image), b = try PNGDecoder.decode(try XCTUnwrap(after).image)
        XCTAssertGreaterThan(try XCTUnwrap(after).meta.frameSequence, before.meta.frameSequence)
        XCTAssertNotEqual(a.pixels, b.pixels, "the stream shows the new avatar")
        XCTAssertEqual(try d.ok { $0.listStreams = .init() }.streams.streams.map(\.streamID), ["cam"])
    }

    func testStalledSubscriberDoesNotSlowTheOther() throws {
        let d = try DaemonHarness()
        try loadHead(d, id: "head")
        // Raw 256² frames (196 kB) fill a stalled reader's buffers quickly.
        try open(d, stream: "big", avatar: "head", size: 256, codec: .raw, fps: 30)
        let stalled = try d.subscriber(["frames/big"], receiveHighWaterMark: 1)
        let fast = try d.subscriber(["frames/big"])
        _ = stalled  // connected, subscribed, never read
        guard let first = try fast.nextFrame(topic: "frames/big") else { return XCTFail("no frame") }
        var received = 1
        var last = first.meta.frameSequence
        let end = Date().addingTimeInterval(3)
        while Date() < end, let f = try fast.nextFrame(topic: "frames/big") {
            received += 1
            last = f.meta.frameSequence
        }
        let published = Int(last - first.meta.frameSequence) + 1
        XCTAssertGreaterThan(published, 30, "the stream kept running")
        XCTAssertGreaterThanOrEqual(Double(received) / Double(published), 0.95,
                                    "the fast viewer got \(received) of \(published) frames")
    }

    func testStatusReportsStreamAndAvatarFigures() throws {
        let d = try DaemonHarness()
        try loadHead(d, id: "head")
        try open(d, stream: "cam", avatar: "head")
        let sub = try d.subscriber(["frames/cam"])
        let publisher = try d.drivePublisher()
        for sequence in UInt64(1)...20 {
            try d.send(.with {
                $0.avatarID = "head"; $0.sequence = sequence; $0.senderTimeUs = wallClockMicroseconds()
                $0.arkit = .with { $0.named = ["jawOpen": Float(sequence % 2)] }
            }, on: publisher)
            _ = try sub.nextFrame(topic: "frames/cam")
        }
        let status = try d.ok { $0.getStatus = .init() }.daemonStatus
        let stream = try XCTUnwrap(status.streams.first)
        XCTAssertEqual(stream.subscribers, 1)
        XCTAssertGreaterThan(stream.framesRendered, 10)
        XCTAssertGreaterThan(stream.framesSent, 10)
        XCTAssertGreaterThan(stream.renderMs.p50, 0)
        XCTAssertGreaterThan(stream.latencyMs.p50, 0)
        XCTAssertLessThan(stream.latencyMs.p50, 1000)
        let avatar = try XCTUnwrap(status.avatars.first { $0.info.avatarID == "head" })
        XCTAssertEqual(avatar.driveFramesReceived, 20)
        XCTAssertEqual(avatar.lastDriveSequence, 20)
        XCTAssertEqual(avatar.driveState, .live)
        XCTAssertGreaterThan(status.rssBytes, 0)
        XCTAssertGreaterThan(status.cpuSeconds, 0)
    }

    func testUnwatchedStreamsAreNotRendered() throws {
        let d = try DaemonHarness()
        try loadHead(d, id: "head")
        try open(d, stream: "cam", avatar: "head")
        Thread.sleep(forTimeInterval: 0.5)
        let status = try d.ok { $0.getStatus = .init() }.daemonStatus
        XCTAssertEqual(status.streams.first?.framesRendered, 0)
    }

    func testDefaultDemoStreamServesAtStartAndShutdownIsGraceful() throws {
        let d = try DaemonHarness { $0.defaultStream = true }
        let sub = try d.subscriber(["frames/default"])
        let frame = try XCTUnwrap(try sub.nextFrame(topic: "frames/default"))
        XCTAssertEqual(frame.meta.codec, .jpeg)
        let image = try JPEGDecoder.decode(frame.image)
        XCTAssertEqual(image.width, 512)
        let start = Date()
        d.service.stop()
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }
}
