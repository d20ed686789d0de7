import Animator
import Foundation
import XCTest

/// One sender cannot silence another: the order check runs on valid frames only, and a
/// sequence far below the last is a sender that started again. Audio is paced.
final class DriveOrderTests: XCTestCase {
    private func jaw(_ value: Float) -> DriveInput { .flame(.init(jaw: [value, 0, 0])) }

    func testOneAbsurdSequenceDoesNotSilenceATracker() throws {
        var channel = DriveChannel()
        for k in 1...10 {
            try channel.receive(jaw(0.1), sequence: UInt64(k), senderTimeUs: 0, now: Double(k) / 30, receivedUs: 0)
        }
        // Another process sends one frame numbered 2⁶⁴−1.
        try channel.receive(jaw(0.9), sequence: .max, senderTimeUs: 0, now: 0.35, receivedUs: 0)
        // The tracker goes on with 11, 12, …: applied, not out of order.
        for k in 11...20 {
            try channel.receive(jaw(0.2), sequence: UInt64(k), senderTimeUs: 0, now: Double(k) / 30 + 0.05, receivedUs: 0)
        }
        XCTAssertEqual(channel.outOfOrder, 0)
        XCTAssertEqual(channel.lastSequence, 20)
        XCTAssertEqual(channel.target.jaw.x, 0.2, accuracy: 1e-6)
        // A late frame just behind the last is still out of order.
        try channel.receive(jaw(0.5), sequence: 15, senderTimeUs: 0, now: 1, receivedUs: 0)
        XCTAssertEqual(channel.outOfOrder, 1)
        XCTAssertEqual(channel.target.jaw.x, 0.2, accuracy: 1e-6)
    }

    func testAnInvalidFrameDoesNotMoveTheOrder() throws {
        var channel = DriveChannel()
        try channel.receive(jaw(0.1), sequence: 5, senderTimeUs: 0, now: 0, receivedUs: 0)
        XCTAssertThrowsError(try channel.receive(jaw(.nan), sequence: 900, senderTimeUs: 0, now: 0.1, receivedUs: 0))
        try channel.receive(jaw(0.3), sequence: 6, senderTimeUs: 0, now: 0.2, receivedUs: 0)
        XCTAssertEqual(channel.lastSequence, 6, "the refused frame's sequence was not taken")
        XCTAssertEqual(channel.outOfOrder, 0)
        XCTAssertEqual(channel.rejected, 1)
    }

    private func chunk(_ sequence: UInt64, seconds: Double = 0.02, channels: Int = 1) -> SpeechChannel.Chunk {
        let frames = Int(16_000 * seconds)
        return .init(samples: Data(count: frames * 2 * channels), sampleRate: 16_000, channels: channels, sequence: sequence, senderTimeUs: 0)
    }

    func testAudioSequencePoisoningAndInvalidChunksDoNotSilenceASource() throws {
        var channel = SpeechChannel()
        try channel.receive(chunk(1), now: 0)
        XCTAssertThrowsError(try channel.receive(chunk(.max, channels: 3), now: 0.02), "3 channels is refused")
        try channel.receive(chunk(2), now: 0.04)
        try channel.receive(chunk(.max), now: 0.06)
        try channel.receive(chunk(3), now: 0.08)  // far below: a restart, applied
        XCTAssertThrowsError(try channel.receive(chunk(2), now: 0.1)) {
            guard case .outOfOrder = $0 as? SpeechChunkError else { return XCTFail("\($0)") }
        }
    }

    func testAudioFasterThanRealTimeIsDroppedBeyondItsBurst() throws {
        var channel = SpeechChannel()
        // 10 s of audio sent in 0.1 s: the first 3 s (the burst) are taken, the rest dropped.
        var accepted = 0.0, refused = 0
        for k in 0..<100 {
            do {
                try channel.receive(chunk(UInt64(k + 1), seconds: 0.1), now: Double(k) * 0.001)
                accepted += 0.1
            } catch let error as SpeechChunkError {
                guard case .tooFast = error else { return XCTFail("\(error)") }
                refused += 1
            }
        }
        XCTAssertEqual(accepted, SpeechChannel.burstSeconds, accuracy: 0.15)
        XCTAssertGreaterThan(refused, 60)
        XCTAssertEqual(channel.statistics.chunksDropped, UInt64(refused), "dropped chunks are counted")
        // Real time again: a second later, a second's worth is accepted.
        try channel.receive(chunk(200, seconds: 0.5), now: 1.1)
        try channel.receive(chunk(201, seconds: 0.5), now: 1.15)
    }
}
