/// Laps on the monotonic clock: `lap()` returns the seconds since the previous lap.
public struct Stopwatch: Sendable {
    private var last = monotonicSeconds()

    /// Starts timing now.
    public init() {}

    /// Seconds since the previous lap (or since creation).
    public mutating func lap() -> Double {
        let now = monotonicSeconds()
        defer { last = now }
        return now - last
    }
}
