import Foundation
import SplatCore

/// The live drive state of one avatar: the latest values received, smoothed for display,
/// held when the source stops, then eased back to neutral with idle motion.
///
/// A value type with the time passed in (`now`, monotonic seconds), so hold, ease and idle
/// behaviour are testable without a clock or threads. Not thread-safe: its owner locks it.
public struct DriveChannel: Sendable {
    /// How long the last pose is held after drive frames stop (seconds).
    public var holdSeconds: Double = 0.5
    /// How long easing back to neutral takes (seconds).
    public var easeSeconds: Double = 1.0

    /// What the drive source is doing.
    public enum State: Sendable, Equatable {
        /// Frames arrive.
        case live
        /// Frames stopped a moment ago: the last pose is held.
        case hold
        /// Frames stopped: the face eases back to neutral.
        case easing
        /// No source: idle motion (blinks, a slow sway).
        case idle
    }

    /// The avatar's FLAME expression count, when it has a FLAME rig: longer `expr` is refused.
    public var expressionCount: Int?

    /// Creates an idle channel.
    public init() {}

    /// The newest values, with every frame applied so far.
    public private(set) var target = DriveValues.neutral
    /// What was shown at `shownTime`.
    private var shown = DriveValues.neutral
    private var shownTime: Double?
    /// The pose held when the source went quiet, eased from.
    private var heldPose = DriveValues.neutral

    public private(set) var lastSequence: UInt64 = 0
    public private(set) var lastSenderTimeUs: UInt64 = 0
    public private(set) var lastReceivedUs: UInt64 = 0
    private var lastReceivedTime: Double?
    private var interval: Double = 1.0 / 30
    public private(set) var received: UInt64 = 0
    public private(set) var rejected: UInt64 = 0
    public private(set) var outOfOrder: UInt64 = 0
    private var rate = RateMeter()
    private var idle = IdleMotion()
    private var senders = SenderSequences()

    /// A sequence at least this far below the last applied one is a sender that started
    /// again, not a late frame: it is applied. So one frame with an absurd sequence (2⁶⁴−1)
    /// cannot make a tracker's frames count as out of order.
    public static let restartGap: UInt64 = 1000

    /// Applies one drive frame (`sequence` and `senderTimeUs` as the sender stamped it)
    /// received at `now` (monotonic) / `receivedUs` (wall clock) from `sender`. The frame is
    /// validated first; then a valid frame whose sequence is not newer than the last one
    /// applied from the same sender is dropped (counted as out of order), unless the sender
    /// restarted: its sequence is back to ≤ 1 or `restartGap` or more below its last (see
    /// ``SenderSequences``). A refused frame changes nothing but the count.
    public mutating func receive(_ input: DriveInput, sequence: UInt64, senderTimeUs: UInt64, now: Double,
                                 receivedUs: UInt64, sender: String = "") throws(DriveInputError) {
        var next = target
        do { try next.apply(input, expressionCount: expressionCount) } catch {
            rejected += 1
            throw error
        }
        if senders.isLate(sequence, from: sender) {
            outOfOrder += 1
            return
        }
        senders.record(sequence, from: sender)
        target = next
        received += 1
        if let last = lastReceivedTime {
            // Smoothed inter-arrival interval, bounded to tracker-like rates.
            let dt = min(max(now - last, 1.0 / 240), 0.2)
            interval += (dt - interval) * 0.2
        }
        lastReceivedTime = now
        lastSequence = sequence
        lastSenderTimeUs = senderTimeUs
        lastReceivedUs = receivedUs
        rate.tick(at: now)
    }

    /// Counts a drive frame its owner refused before it could be read.
    public mutating func countRefused() { rejected += 1 }

    /// The state of the drive source at `now`.
    public func state(at now: Double) -> State {
        guard let last = lastReceivedTime else { return .idle }
        let age = now - last
        if age <= max(holdSeconds * 0.2, 3 * interval) { return .live }
        if age <= holdSeconds { return .hold }
        if age <= holdSeconds + easeSeconds { return .easing }
        return .idle
    }

    /// The values to show at `now`: the latest target approached with a time constant of a
    /// fraction of the tracker's interval (smooth at any stream rate, at most a frame behind),
    /// the held pose while the source is briefly quiet, then an ease to neutral plus idle motion.
    public mutating func values(at now: Double) -> DriveValues {
        let dt = shownTime.map { max(0, now - $0) } ?? 1
        shownTime = now
        let state = state(at: now)
        switch state {
        case .live, .hold:
            let tau = max(interval * 0.35, 0.004)
            let k = Float(1 - exp(-dt / tau))
            shown = DriveValues.mix(shown, target, k)
            heldPose = shown
        case .easing:
            let age = now - (lastReceivedTime ?? now)
            let t = Float(min(1, max(0, (age - holdSeconds) / easeSeconds)))
            let s = t * t * (3 - 2 * t)  // smoothstep
            shown = DriveValues.mix(heldPose, idle.values(at: now), s)
        case .idle:
            shown = idle.values(at: now)
        }
        return shown
    }

    /// How much the tracker is present at `now`: 1 while live or holding, falling to 0 while
    /// easing back to neutral, 0 when idle.
    public func presence(at now: Double) -> Float {
        guard let last = lastReceivedTime else { return 0 }
        let age = now - last
        if age <= holdSeconds { return 1 }
        let t = Float(min(1, max(0, (age - holdSeconds) / easeSeconds)))
        return 1 - t * t * (3 - 2 * t)
    }

    /// Drive frames per second over the last seconds.
    public func rate(at now: Double) -> Double { rate.rate(at: now) }

    /// When the next drive frame is expected (monotonic) and the tracker's interval, while the
    /// source is live.
    public func expectedNext(at now: Double) -> (time: Double, interval: Double)? {
        guard let last = lastReceivedTime, state(at: now) == .live else { return nil }
        return (last + interval, interval)
    }

    /// Seconds since the last applied frame, or nil if none.
    public func age(at now: Double) -> Double? { lastReceivedTime.map { max(0, now - $0) } }
}

/// Natural idle behaviour for an undriven face: blinks every few seconds and a slow, small
/// head sway, so a viewer never sees a frozen face.
public struct IdleMotion: Sendable {
    private var nextBlink: Double = 1.5
    private var blinkStart: Double = -10
    private var seed: UInt64 = 0x9E37_79B9

    /// Duration of one blink, seconds.
    public static let blinkSeconds = 0.16

    /// Starts with the first blink 1.5 s in.
    public init() {}

    public mutating func values(at now: Double) -> DriveValues {
        if now >= nextBlink {
            blinkStart = now
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            nextBlink = now + 2.5 + Double(seed >> 40) / Double(1 << 24) * 3.0
        }
        var v = DriveValues.neutral
        let phase = (now - blinkStart) / Self.blinkSeconds
        let blink: Float = phase < 1 ? Float(sin(phase * .pi)) : 0
        v.eyelids = SIMD2(blink, blink)
        v.arkit[0] = blink   // eyeBlinkLeft
        v.arkit[7] = blink   // eyeBlinkRight
        // Breathing-like sway, a degree or two.
        v.rotation = SIMD3(Float(0.012 * sin(now * 2 * .pi / 5.3)), Float(0.02 * sin(now * 2 * .pi / 7.1)),
                           Float(0.008 * sin(now * 2 * .pi / 9.7)))
        return v
    }
}
