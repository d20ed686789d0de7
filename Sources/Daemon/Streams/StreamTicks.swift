/// When a stream renders next, on the monotonic clock: the frame-rate ticks, skipping when
/// rendering fell behind, and the phase lock to a tracker. A stream never renders more often
/// than its fps: two frames are at least a period apart (a new viewer's first frame excepted),
/// so drive frames may move a tick earlier, never add one. A value type with the time passed
/// in, so the rules are testable without threads.
struct StreamTicks: Equatable {
    /// When the next frame is due; 0 means at once.
    private(set) var nextTick: Double = 0
    /// When the previous frame was rendered.
    private(set) var lastRender: Double = 0
    /// A tick already waited once for the tracker's next frame.
    private(set) var postponed = false
    /// `nextTick`'s place on the grid of the rate (`nextTick` = index × period, computed the
    /// same way by every stream, so equal ticks are equal to the bit); nil while the tick is off
    /// the grid (locked to a tracker, or retried).
    private var gridIndex: Int64?

    /// A new viewer: the next frame is due at once.
    mutating func frameWanted() { nextTick = 0 }

    /// A drive frame arrived at `now`: a tick that is due later than a period after the previous
    /// frame (one postponed for the tracker, or retried after a failure) comes forward to now,
    /// but never closer than a period to the previous frame.
    mutating func driveArrived(now: Double, period: Double) {
        let earlier = max(now, lastRender + period)
        if earlier < nextTick {
            nextTick = earlier
            gridIndex = nil
        }
    }

    /// Takes the tick due at `now`: returns the tick time the frame stands for and how many ticks
    /// were skipped. Ticks that were missed are skipped, never caught up with: the frame shows
    /// the newest tick.
    ///
    /// Ticks lie on one grid for every stream of a rate — multiples of the period on the
    /// monotonic clock — so streams of the same avatar and rate show the same instants and pose
    /// it once per tick (``PoseCache``). A frame due at once stands for `now` and the next one
    /// for the grid tick after it; a frame late by more than a period for the newest grid tick.
    mutating func take(now: Double, period: Double) -> (tick: Double, skipped: UInt64) {
        lastRender = now
        postponed = false
        if nextTick == 0 {
            let index = Int64((now / period).rounded(.down)) + 1
            gridIndex = index
            nextTick = Double(index) * period
            return (now, 0)
        }
        var skipped: UInt64 = 0
        if now - nextTick > period {
            skipped = UInt64((now - nextTick) / period)
            let index = Int64((now / period).rounded(.down))
            gridIndex = index
            nextTick = Double(index) * period
        }
        let tick = nextTick
        if let index = gridIndex {
            gridIndex = index + 1
            nextTick = Double(index + 1) * period
        } else {
            nextTick += period
        }
        return (tick, skipped)
    }

    /// Rendering failed: try again at `time` rather than spinning.
    mutating func retry(at time: Double) {
        nextTick = time
        gridIndex = nil
    }

    /// Phase lock: when a tracker sends at about the stream's rate and its next frame
    /// (`expected`: time and interval) is due within a third of a period, the tick waits for it,
    /// once, instead of rendering the old pose and making the new one wait behind that render.
    /// Returns true when the tick was postponed.
    mutating func postpone(forDriveExpectedAt expected: (time: Double, interval: Double)?, now: Double, period: Double) -> Bool {
        guard !postponed, let (time, interval) = expected else {
            postponed = false
            return false
        }
        guard abs(interval - period) < 0.15 * period, time > now, time - now < period / 3 else { return false }
        postponed = true
        nextTick = time + 0.002
        gridIndex = nil
        return true
    }
}
