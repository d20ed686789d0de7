import Animator
import Daemon
import FrameEncoder
import Foundation
import SplatCore
import SplatIO
import SplatProtocol
import XCTest
import ZeroMQ

/// Speech over the wire moves the demo head's mouth; silence closes it again.
final class AudioStreamingTests: XCTestCase {
    /// Mean absolute difference of the mouth region (lower centre of the face) between images.
    private func mouthDifference(_ a: DecodedImage, _ b: DecodedImage) -> Double {
        var sum = 0, n = 0
        for y in 72..<104 {
            for x in 48..<80 {
                for c in 0..<3 {
                    let i = (y * a.width + x) * 3 + c
                    sum += abs(Int(a.pixels[i]) - Int(b.pixels[i]))
                    n += 1
                }
            }
        }
        return Double(sum) / Double(n)
    }

    func testSpeechOverTheWireMovesTheMouth() throws {
        let wav = try DaemonHarness.speech("Papa bought a big banana, and mama ate it all.")
        let d = try DaemonHarness()
        try d.ok {
            $0.openStream = .with { $0.streamID = "talk"; $0.avatarID = "demo"; $0.width = 128; $0.height = 128; $0.codec = .png }
        }
        let sub = try d.subscriber(["frames/talk"])
        // A tracker holds the head still (neutral ARKit weights at 30 Hz) the whole time: the
        // face moves only where audio owns it, and the hand-over in both directions is tested.
        let trackerStop = StopSignal()
        let context = d.context, driveEndpoint = d.endpoints.drive
        let trackerThread = Thread {
            // The thread owns its socket (ZeroMQ sockets stay on one thread).
            guard let tracker = try? context.socket(.pub) else { return }
            defer { tracker.close() }
            try? tracker.set(.linger, .zero)
            try? tracker.connect(driveEndpoint)
            var sequence: UInt64 = 0
            while !trackerStop.isSet {
                sequence += 1
                let frame = Splatd_V1_DriveFrame.with {
                    $0.avatarID = "demo"; $0.sequence = sequence; $0.senderTimeUs = wallClockMicroseconds()
                    $0.arkit = .with { $0.weights = Array(repeating: 0, count: 52); $0.headRotation = .init() }
                }
                _ = try? tracker.send(multipart: [Array("demo".utf8), frame.wireBytes()])
                Thread.sleep(forTimeInterval: 1.0 / 30)
            }
        }
        trackerThread.start()
        defer { trackerStop.set() }
        Thread.sleep(forTimeInterval: 0.7)  // connection up (late joiner), tracker live
        while (try? sub.receiveMultipart(dontWait: true)) ?? nil != nil {}
        let neutral = try PNGDecoder.decode(try XCTUnwrap(try sub.nextFrame(topic: "frames/talk")).image)
        var idle = 0.0
        let idleEnd = Date().addingTimeInterval(0.5)
        while Date() < idleEnd, let f = try sub.nextFrame(topic: "frames/talk") {
            idle = max(idle, mouthDifference(neutral, try PNGDecoder.decode(f.image)))
        }

        let chunks = (wav.frameCount + wav.sampleRate / 50 - 1) / (wav.sampleRate / 50)
        // Paced like a live microphone, from another thread, while this one watches.
        _ = d.speak(wav, to: "demo")
        var during: [Double] = []
        var sawAudio = false
        let speechEnd = Date().addingTimeInterval(wav.duration + 0.1)
        while Date() < speechEnd, let f = try sub.nextFrame(topic: "frames/talk") {
            if f.meta.audioSequence > 0 { sawAudio = true }
            during.append(mouthDifference(neutral, try PNGDecoder.decode(f.image)))
        }
        Thread.sleep(forTimeInterval: 0.6)
        while (try? sub.receiveMultipart(dontWait: true)) ?? nil != nil {}
        let after = mouthDifference(neutral, try PNGDecoder.decode(try XCTUnwrap(try sub.nextFrame(topic: "frames/talk")).image))

        XCTAssertTrue(sawAudio, "frames carry the audio chunk they show")
        let moving = during.filter { $0 > 6 }.count
        XCTAssertGreaterThan(during.max() ?? 0, 15, "the mouth opens while speaking")
        XCTAssertGreaterThan(moving, during.count / 4, "the mouth moves through the sentence (\(moving) of \(during.count) frames)")
        XCTAssertLessThan(after, idle + 2, "the mouth closes after the speech (still head: \(idle))")

        let audio = try XCTUnwrap(try d.ok { $0.getStatus = .init() }.daemonStatus.avatars.first { $0.info.avatarID == "demo" }?.audio.first)
        XCTAssertEqual(audio.chunksReceived, UInt64(chunks))
        XCTAssertEqual(audio.chunksDropped, 0)
        XCTAssertEqual(audio.source, "wire")
        XCTAssertGreaterThan(audio.latencyMs, 0)
    }

    private final class StopSignal: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
        func set() { lock.lock(); value = true; lock.unlock() }
    }

    func testBadAudioChunksAreCountedAndDropped() throws {
        let d = try DaemonHarness()
        let push = try d.context.socket(.push)
        try push.set(.linger, .seconds(1))
        try push.connect(d.endpoints.audio)
        func chunk(_ body: (inout Splatd_V1_AudioChunk) -> Void) -> [UInt8] {
            var c = Splatd_V1_AudioChunk()
            c.avatarID = "demo"; c.sampleRate = 16000; c.channels = 1; c.samplesS16Le = Data(count: 640)
            body(&c)
            return c.wireBytes()
        }
        _ = try push.send([0xFF, 0x13, 0x00])                                            // garbage
        _ = try push.send(chunk { $0.avatarID = "ghost" })                               // unknown avatar
        _ = try push.send(chunk { $0.sampleRate = 3 })                                   // absurd rate
        _ = try push.send(chunk { $0.channels = 6 })                                     // too many channels
        _ = try push.send(chunk { $0.channels = 0 })                                     // no channels
        _ = try push.send(chunk { $0.samplesS16Le = Data(count: 641) })                  // odd byte count
        _ = try push.send(chunk { $0.sequence = 5 })                                     // a good one
        var status = Splatd_V1_DaemonStatus()
        for _ in 0..<50 {
            status = try d.ok { $0.getStatus = .init() }.daemonStatus
            if status.avatars.first(where: { $0.info.avatarID == "demo" })?.audio.first?.chunksReceived == 1 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertEqual(status.audioChunksMalformed, 2)
        let audio = try XCTUnwrap(status.avatars.first { $0.info.avatarID == "demo" }?.audio.first)
        XCTAssertEqual(audio.chunksReceived, 1)
        XCTAssertEqual(audio.chunksDropped, 4)
    }
}
