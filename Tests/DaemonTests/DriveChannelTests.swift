import Animator
@testable import Daemon
import SplatProtocol
import XCTest

/// The drive state between trackers and frames: smoothing, hold, ease to idle, validation.
final class DriveChannelTests: XCTestCase {
    private func jaw(_ value: Float, sequence: UInt64) -> Splatd_V1_DriveFrame {
        .with { $0.sequence = sequence; $0.flame = .with { $0.jawPose = .with { $0.x = value } } }
    }

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
                try channel.receive(jaw(lastSent, sequence: sequence), now: nextSample, receivedUs: 0)
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
        try channel.receive(.with { $0.sequence = 1; $0.flame = .with { $0.rotation = .with { $0.y = 0.8 } } }, now: 0, receivedUs: 0)
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
        try channel.receive(jaw(0.2, sequence: 5), now: 0, receivedUs: 0)
        XCTAssertThrowsError(try channel.receive(jaw(.nan, sequence: 6), now: 0.01, receivedUs: 0))
        XCTAssertThrowsError(try channel.receive(.with { $0.sequence = 7; $0.arkit = .with { $0.weights = [1] } }, now: 0.02, receivedUs: 0))
        try channel.receive(jaw(0.9, sequence: 4), now: 0.03, receivedUs: 0)  // older: dropped
        XCTAssertEqual(channel.target.jaw.x, 0.2)
        XCTAssertEqual(channel.rejected, 2)
        XCTAssertEqual(channel.outOfOrder, 1)
        XCTAssertEqual(channel.lastSequence, 5)
        // Absent fields keep their value; a partial frame changes only what it carries.
        try channel.receive(.with { $0.sequence = 8; $0.flame = .with { $0.neckPose = .with { $0.z = 0.1 } } }, now: 0.04, receivedUs: 0)
        XCTAssertEqual(channel.target.jaw.x, 0.2)
        XCTAssertEqual(channel.target.neck.z, 0.1)
    }

    func testAudioOwnsTheMouthAndHandsItBackSmoothly() throws {
        var values = DriveValues.neutral
        values.arkit[17] = 0.1  // the tracker's jawOpen
        let open = SpeechFrameFixture.open
        var mixed = values
        AudioMixing().apply(open, influence: 1, trackerPresence: 1, visemeTable: nil, to: &mixed)
        XCTAssertGreaterThan(mixed.arkit[17], 0.5, "audio owns the jaw")
        var half = values
        AudioMixing().apply(open, influence: 0.5, trackerPresence: 1, visemeTable: nil, to: &half)
        XCTAssertLessThan(half.arkit[17], mixed.arkit[17])
        XCTAssertGreaterThan(half.arkit[17], values.arkit[17], "a hand-over passes through the middle")
        var trackerOwns = AudioMixing()
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
