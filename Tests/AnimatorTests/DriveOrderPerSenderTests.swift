import Animator
import Foundation
import XCTest

/// The drive order check is per sender: one sender's sequence numbers never make another's
/// frames late.
final class DriveOrderPerSenderTests: XCTestCase {
    private let input = DriveInput.arkit(.init(named: ["jawOpen": 0.5]))

    func testSendersAreOrderedSeparately() throws {
        var channel = DriveChannel()
        try channel.receive(input, sequence: 5000, senderTimeUs: 0, now: 0, receivedUs: 0, sender: "a")
        for s in UInt64(4500)..<4510 {
            try channel.receive(input, sequence: s, senderTimeUs: 0, now: 0.01, receivedUs: 0, sender: "b")
        }
        XCTAssertEqual(channel.received, 11)
        XCTAssertEqual(channel.outOfOrder, 0)
        try channel.receive(input, sequence: 4999, senderTimeUs: 0, now: 0.02, receivedUs: 0, sender: "a")
        try channel.receive(input, sequence: 4505, senderTimeUs: 0, now: 0.02, receivedUs: 0, sender: "b")
        XCTAssertEqual(channel.outOfOrder, 2, "late frames of each sender are still refused")
    }

    func testManySendersForgetTheOldestOnly() {
        var sequences = SenderSequences()
        for k in 0..<SenderSequences.maximumSenders { sequences.record(100, from: "s\(k)") }
        XCTAssertTrue(sequences.isLate(50, from: "s0"))
        sequences.record(100, from: "newcomer")
        XCTAssertFalse(sequences.isLate(50, from: "s0"), "the oldest sender was not the one forgotten")
        XCTAssertTrue(sequences.isLate(50, from: "s1"))
        XCTAssertTrue(sequences.isLate(50, from: "newcomer"))
    }

    func testSpeechChunksAreOrderedPerSender() throws {
        var speech = SpeechChannel()
        let samples = Data(count: 320)
        try speech.receive(.init(samples: samples, sampleRate: 16000, channels: 1, sequence: 3000, senderTimeUs: 0), now: 0, sender: "a")
        try speech.receive(.init(samples: samples, sampleRate: 16000, channels: 1, sequence: 2990, senderTimeUs: 0), now: 0, sender: "b")
        XCTAssertThrowsError(try speech.receive(.init(samples: samples, sampleRate: 16000, channels: 1, sequence: 2999, senderTimeUs: 0), now: 0, sender: "a"))
    }
}
