import Animator
import XCTest

/// The drive state between trackers and frames: smoothing, hold, ease to idle, validation —
/// with the time passed in, no clock and no sockets.
final class DriveChannelTests: XCTestCase {
    private func jaw(_ value: Float) -> DriveInput { .flame(.init(jaw: [value, 0, 0])) }

    func testALiveTrackerIsFollowedSmoothlyAndPromptly() throws {
        var channel = DriveChannel()
        // A 25 Hz tracker ramping the jaw, watched by a 30 fps stream: every frame shows a new,
        // larger value (no frozen frames, no steps backwards), never far behind the tracker.
        var shown: [Float] = []
        var lastSent: Float = 0
        var t = 0.0, nextSample = 0.0, sequence: UInt64 = 0
        while t < 1.0 {
            while nextSample <= t {
                sequence += 1
                lastSent = Float(nextSample) * 0.3
                try channel.receive(jaw(lastSent), sequence: sequence, senderTimeUs: 0, now: nextSample, receivedUs: 0)
                nextSample += 0.04
            }
            if t > 0.2 { shown.append(channel.values(at: t).jaw.x) } else { _ = channel.values(at: t) }
            t += 1.0 / 30
        }
        for (a, b) in zip(shown, shown.dropFirst()) { XCTAssertGreaterThan(b, a) }
        XCTAssertEqual(shown.last!, lastSent, accuracy: 0.3 * 0.04 * 1.5, "at most about one tracker interval behind")
        XCTAssertEqual(channel.state(at: t), .live)
    }

    func testHoldThenEaseBackToIdle() throws {
        var channel = DriveChannel()
        try channel.receive(.flame(.init(rotation: [0, 0.8, 0])), sequence: 1, senderTimeUs: 0, now: 0, receivedUs: 0)
        XCTAssertEqual(channel.values(at: 0.2).rotation.y, 0.8, accuracy: 0.01)
        XCTAssertEqual(channel.state(at: 0.4), .hold)
        XCTAssertEqual(channel.values(at: 0.45).rotation.y, 0.8, accuracy: 0.01, "held")
        XCTAssertEqual(channel.state(at: 1.0), .easing)
        let midway = channel.values(at: 1.0).rotation.y
        XCTAssertLessThan(midway, 0.79)
        XCTAssertGreaterThan(midway, 0.05, "eased, not snapped")
        XCTAssertEqual(channel.state(at: 2.0), .idle)
        XCTAssertLessThan(abs(channel.values(at: 2.0).rotation.y), 0.03, "back to neutral but for the idle sway")
    }

    func testIdleFaceBlinks() {
        var channel = DriveChannel()
        var blinked = false
        var t = 0.0
        while t < 8 {
            if channel.values(at: t).arkit[0] > 0.5 { blinked = true }
            t += 0.02
        }
        XCTAssertTrue(blinked, "an undriven face blinks within 8 s")
    }

    func testBadFramesChangeNothingAndOldFramesAreDropped() throws {
        var channel = DriveChannel()
        try channel.receive(jaw(0.2), sequence: 5, senderTimeUs: 0, now: 0, receivedUs: 0)
        XCTAssertThrowsError(try channel.receive(jaw(.nan), sequence: 6, senderTimeUs: 0, now: 0.01, receivedUs: 0))
        XCTAssertThrowsError(try channel.receive(.arkit(.init(weights: [1])), sequence: 7, senderTimeUs: 0, now: 0.02, receivedUs: 0))
        try channel.receive(jaw(0.9), sequence: 4, senderTimeUs: 0, now: 0.03, receivedUs: 0)  // older: dropped
        XCTAssertEqual(channel.target.jaw.x, 0.2)
        XCTAssertEqual(channel.rejected, 2)
        XCTAssertEqual(channel.outOfOrder, 1)
        XCTAssertEqual(channel.lastSequence, 5)
        // Absent fields keep their value; a partial frame changes only what it carries.
        try channel.receive(.flame(.init(neck: [0, 0, 0.1])), sequence: 8, senderTimeUs: 0, now: 0.04, receivedUs: 0)
        XCTAssertEqual(channel.target.jaw.x, 0.2)
        XCTAssertEqual(channel.target.neck.z, 0.1)
    }

    func testAudioOwnsTheMouthAndHandsItBackSmoothly() throws {
        var values = DriveValues.neutral
        values.arkit[17] = 0.1  // the tracker's jawOpen
        let open = SpeechFrameFixture.open
        var mixed = values
        DriveMixing().apply(open, influence: 1, trackerPresence: 1, visemeTable: nil, to: &mixed)
        XCTAssertGreaterThan(mixed.arkit[17], 0.5, "audio owns the jaw")
        var half = values
        DriveMixing().apply(open, influence: 0.5, trackerPresence: 1, visemeTable: nil, to: &half)
        XCTAssertLessThan(half.arkit[17], mixed.arkit[17])
        XCTAssertGreaterThan(half.arkit[17], values.arkit[17], "a hand-over passes through the middle")
        var trackerOwns = DriveMixing()
        trackerOwns.jawAndMouth = .tracker
        var kept = values
        trackerOwns.apply(open, influence: 1, trackerPresence: 1, visemeTable: nil, to: &kept)
        XCTAssertEqual(kept.arkit[17], 0.1, "the tracker keeps the mouth while present")
        var filled = values
        trackerOwns.apply(open, influence: 1, trackerPresence: 0, visemeTable: nil, to: &filled)
        XCTAssertGreaterThan(filled.arkit[17], 0.5, "audio fills in when the tracker is gone")
    }
}


enum SpeechFrameFixture {
    /// An open vowel at full jaw.
    static let open = SpeechFrame(time: 1, levelDB: -12, voiceActive: true, jawOpen: 0.9, weights: VisemeWeights(only: .aa))
}

/// A tracker and speech on one face, with the time passed in: who owns what, and the
/// hand-over when speech stops.
final class FaceDriverTests: XCTestCase {
    func testTrackerAndSpeechShareTheFaceAsMixed() throws {
        let wav = try SpeechTestSupport.speak("ah ah ah ah")
        var face = FaceDriver()
        var trackerWeights = [Float](repeating: 0, count: 52)
        trackerWeights[17] = 0.05   // jawOpen, nearly closed
        let tracker = DriveInput.arkit(.init(weights: trackerWeights, headRotation: [0, 0.3, 0]))
        let chunkFrames = wav.sampleRate / 50   // 20 ms chunks, sent in real time
        let chunks = stride(from: 0, to: wav.samples.count, by: chunkFrames).map {
            Array(wav.samples[$0..<min($0 + chunkFrames, wav.samples.count)])
        }
        let speechEnd = Double(chunks.count) * 0.02
        var t = 0.0, sequence: UInt64 = 0, nextChunk = 0
        var openWhileSpeaking: Float = 0, rotations: [Float] = []
        while t < speechEnd + 1.5 {
            sequence += 1
            try face.receive(tracker, sequence: sequence, senderTimeUs: 0, now: t, receivedUs: 0)
            while nextChunk < chunks.count && Double(nextChunk) * 0.02 <= t {
                let bytes = chunks[nextChunk].withUnsafeBytes { Data($0) }
                try face.receive(SpeechChannel.Chunk(samples: bytes, sampleRate: wav.sampleRate, channels: 1,
                                                     sequence: UInt64(nextChunk + 1), senderTimeUs: 0), now: t)
                nextChunk += 1
            }
            let shown = face.snapshot(at: t, nowUs: 0).values
            if t < speechEnd { openWhileSpeaking = max(openWhileSpeaking, shown.arkit[17]) }
            rotations.append(shown.rotation.y)
            t += 1.0 / 30
        }
        XCTAssertGreaterThan(openWhileSpeaking, 0.3, "speech owns the mouth while it plays")
        for r in rotations { XCTAssertEqual(r, 0.3, accuracy: 0.02, "the tracker keeps the head throughout") }
        let after = face.snapshot(at: t, nowUs: 0).values
        XCTAssertEqual(after.arkit[17], 0.05, accuracy: 0.02, "the tracker has the mouth back once speech stopped")
        XCTAssertEqual(face.speech.statistics.chunksReceived, UInt64(chunks.count))
    }

    func testRefusalsAreCountedAndChangeNothing() {
        var face = FaceDriver()
        XCTAssertThrowsError(try face.receive(.flame(.init(expression: [Float](repeating: 0, count: DriveLimits.acceptedExpressionCount + 1))),
                                              sequence: 1, senderTimeUs: 0, now: 0, receivedUs: 0))
        XCTAssertThrowsError(try face.receive(.arkit(.init(named: ["notAShape": 1])), sequence: 2, senderTimeUs: 0, now: 0, receivedUs: 0))
        XCTAssertThrowsError(try face.receive(.flame(.init(rotation: [7, 0, 0])), sequence: 3, senderTimeUs: 0, now: 0, receivedUs: 0))
        face.countRefused()
        XCTAssertEqual(face.drive.rejected, 4)
        XCTAssertEqual(face.drive.received, 0)
        XCTAssertEqual(face.drive.target, .neutral)
        XCTAssertEqual(face.drive.state(at: 0), .idle)
    }
}
