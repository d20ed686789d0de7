import Animator
import SplatCore
import Trackers
import XCTest

/// A phone streaming at 60 fps into a 30 fps stream looks as smooth as a 30 Hz tracker: the
/// same motion sent at 60 Hz through Live Link Face datagrams, and at 30 Hz as drive frames,
/// sampled at a 30 fps stream's ticks, shows no more roughness and no more error.
final class LiveLinkSmoothnessTests: XCTestCase {
    /// The jaw of a talking face: a 1.3 Hz opening with a faster flutter.
    static func jawOpen(_ t: Double) -> Float { Float(0.45 + 0.35 * sin(2 * .pi * 1.3 * t) + 0.1 * sin(2 * .pi * 4.1 * t)) }

    /// Shown `jawOpen` at 30 fps ticks over 4 s while `send(t)` frames arrive every `interval`
    /// (with ±2 ms network jitter); returns (roughness, mean error vs the true signal).
    func run(interval: Double, input: (Double) -> DriveInput) throws -> (roughness: Double, error: Double) {
        var channel = DriveChannel()
        var random = SplitMix64(seed: 7)
        let jaw = ARKitNames.index["jawOpen"]!
        var nextFrame = 0.0, sequence: UInt64 = 0
        func arrival() -> Double { nextFrame + 0.004 + Double(random.next() % 4001) / 1e6 - 0.002 }
        var nextArrival = arrival()
        var shown: [Double] = [], truth: [Double] = []
        for tick in 0..<120 {
            // Ticks 1 ms after the nominal time, as a stream woken by the newest frame renders.
            let now = Double(tick) / 30 + 0.001
            while nextArrival <= now {
                sequence += 1
                try channel.receive(input(nextFrame), sequence: sequence, senderTimeUs: 0, now: nextArrival, receivedUs: 0)
                nextFrame += interval
                nextArrival = arrival()
            }
            if now >= 1 {   // after the channel has learned the tracker's rate
                shown.append(Double(channel.values(at: now).arkit[jaw]))
                truth.append(Double(Self.jawOpen(now)))
            } else {
                _ = channel.values(at: now)
            }
        }
        // Roughness: mean |second difference| of what is shown beyond that of the true motion.
        var rough = 0.0, error = 0.0
        for i in 1..<(shown.count - 1) {
            rough += abs((shown[i + 1] - 2 * shown[i] + shown[i - 1]) - (truth[i + 1] - 2 * truth[i] + truth[i - 1]))
        }
        for i in shown.indices { error += abs(shown[i] - truth[i]) }
        return (rough / Double(shown.count - 2), error / Double(shown.count))
    }

    func testSixtyHertzPhoneIsAsSmoothAsAThirtyHertzTracker() throws {
        let phone = try run(interval: 1.0 / 60) { t in
            var values = [Float](repeating: 0, count: LiveLinkFace.names.count)
            values[LiveLinkFace.names.firstIndex(of: "JawOpen")!] = Self.jawOpen(t)
            return LiveLinkPacket(deviceID: "d", subject: "s", values: values).driveInput
        }
        let tracker = try run(interval: 1.0 / 30) { t in .arkit(.init(named: ["jawOpen": Self.jawOpen(t)])) }
        XCTAssertLessThanOrEqual(phone.roughness, tracker.roughness * 1.05, "60 Hz roughness \(phone.roughness) vs 30 Hz \(tracker.roughness)")
        XCTAssertLessThanOrEqual(phone.error, tracker.error * 1.05, "60 Hz error \(phone.error) vs 30 Hz \(tracker.error)")
        XCTAssertLessThan(phone.error, 0.08, "the shown jaw follows the phone")
    }
}
