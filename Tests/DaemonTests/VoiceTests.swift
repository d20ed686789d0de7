import Daemon
import Foundation
import SplatCore
import SplatProtocol
import XCTest
import ZeroMQ

/// The voice goes out with the picture: speech an avatar receives is published as Opus packets
/// on the audio topic of its streams, timed on the frames' clock and held back until shortly
/// before it is due; nothing while nobody speaks.
final class VoiceTests: XCTestCase {
    struct Heard {
        let meta: Splatd_V1_AudioMeta
        let bytes: [UInt8]
        let arrivedUs: UInt64
    }

    func testSpeechIsPublishedAsTimedOpusPacketsWithTheFrames() throws {
        let wav = try DaemonHarness.speech("Papa bought a banana.")
        let d = try DaemonHarness()
        try d.ok { $0.openStream = .with { $0.streamID = "talk"; $0.avatarID = "demo"; $0.width = 64; $0.height = 64; $0.codec = .raw } }
        // Voice and frames on sockets of their own, as a player with an audio and a video path has.
        let voice = try d.subscriber(["audio/talk"]), video = try d.subscriber(["frames/talk"])
        var heard: [Heard] = [], frames: [Splatd_V1_FrameMeta] = []
        func listen(seconds: Double) throws {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                let ready = try ZMQ.poll([ZMQPollItem(voice), ZMQPollItem(video)], timeoutMilliseconds: 50)
                if ready[0].contains(.pollIn), let parts = try voice.receiveMultipart(dontWait: true), parts.count == 3,
                   String(decoding: parts[0], as: UTF8.self) == "audio/talk" {
                    heard.append(Heard(meta: try Splatd_V1_AudioMeta(serializedBytes: parts[1]), bytes: parts[2], arrivedUs: wallClockMicroseconds()))
                }
                if ready[1].contains(.pollIn), let parts = try video.receiveMultipart(dontWait: true), parts.count == 3,
                   String(decoding: parts[0], as: UTF8.self) == "frames/talk" {
                    frames.append(try Splatd_V1_FrameMeta(serializedBytes: parts[1]))
                }
            }
        }
        try listen(seconds: 0.6)
        XCTAssertTrue(heard.isEmpty, "nothing is published while nobody speaks")
        XCTAssertFalse(frames.isEmpty)

        let speaker = d.speak(wav, to: "demo")
        try listen(seconds: wav.duration + 1.0)
        XCTAssertTrue(speaker.isFinished)

        XCTAssertGreaterThan(heard.count, 10)
        let first = try XCTUnwrap(heard.first).meta
        XCTAssertTrue(first.utteranceStart)
        XCTAssertGreaterThan(first.preSkip, 0, "the first packet of an utterance carries the encoder's pre-skip")
        for h in heard {
            XCTAssertEqual(h.meta.codec, .opus)
            XCTAssertEqual(h.meta.sampleRate, 48000)
            XCTAssertEqual(h.meta.channels, 1)
            XCTAssertEqual(h.meta.streamID, "talk")
            XCTAssertEqual(h.meta.avatarID, "demo")
            XCTAssertFalse(h.bytes.isEmpty)
        }
        XCTAssertEqual(heard.map(\.meta.packetSequence), Array(first.packetSequence..<(first.packetSequence + UInt64(heard.count))),
                       "packets numbered without gaps")
        XCTAssertEqual(heard.dropLast().filter { $0.meta.durationUs != 20000 }.count, 0, "20 ms packets")
        for (a, b) in zip(heard, heard.dropFirst()) {
            XCTAssertEqual(Double(b.meta.presentationTimeUs), Double(a.meta.presentationTimeUs + UInt64(a.meta.durationUs)), accuracy: 1000,
                           "packets follow each other on the time line")
        }
        let total = Double(heard.reduce(0) { $0 + Int($1.meta.durationUs) }) / 1e6
        XCTAssertEqual(total, wav.duration + Double(first.preSkip) / 48000, accuracy: 0.05, "the whole utterance, once")

        // Held back: each packet arrives shortly before it is due, not when its audio arrived.
        let early = heard.map { (Double($0.meta.presentationTimeUs) - Double($0.arrivedUs)) / 1000 }
        XCTAssertLessThan(early.max()!, 150, "packets are held until shortly before they are due (ms early: \(early.max()!))")
        XCTAssertGreaterThan(early.sorted()[early.count / 2], -60, "and not sent late (median ms early: \(early.sorted()[early.count / 2]))")

        // The same clock as the frames: the frames rendered while the voice played lie within its time line.
        // (Frames that first show a new audio chunk: later frames keep naming the last one.)
        let speaking = zip(frames.dropFirst(), frames).filter { $0.audioSequence != $1.audioSequence }.map(\.0)
        XCTAssertFalse(speaking.isEmpty, "frames show the speech")
        let start = Double(first.presentationTimeUs), end = Double(heard.last!.meta.presentationTimeUs)
        let inside = speaking.filter { Double($0.frameTimeUs) >= start - 100_000 && Double($0.frameTimeUs) <= end + 400_000 }
        XCTAssertLessThanOrEqual(speaking.count - inside.count, max(1, speaking.count / 10),
                                 "frames that show speech are timed within the voice (\(inside.count) of \(speaking.count))")
    }
}
