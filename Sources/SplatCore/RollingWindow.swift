/// The last `capacity` samples of a measurement, for percentiles in `status`.
public struct RollingWindow: Sendable {
    private var samples: [Double]
    private var next = 0
    public private(set) var filled = 0

    public init(capacity: Int = 512) {
        samples = Array(repeating: 0, count: capacity)
    }

    public mutating func add(_ value: Double) {
        guard value.isFinite else { return }
        samples[next] = value
        next = (next + 1) % samples.count
        filled = min(filled + 1, samples.count)
    }

    /// p50, p90, p99 and max of the window (zeros when empty).
    public func percentiles() -> (p50: Double, p90: Double, p99: Double, max: Double) {
        guard filled > 0 else { return (0, 0, 0, 0) }
        let sorted = samples[0..<filled].sorted()
        func at(_ q: Double) -> Double { sorted[min(filled - 1, Int((q * Double(filled - 1)).rounded()))] }
        return (at(0.5), at(0.9), at(0.99), sorted[filled - 1])
    }
}

/// Events per second over a sliding window of recent timestamps.
public struct RateMeter: Sendable {
    private var times: [Double] = []
    private let horizon: Double

    public init(horizon: Double = 2) { self.horizon = horizon }

    public mutating func tick(at time: Double) {
        times.append(time)
        let cutoff = time - horizon
        if let first = times.firstIndex(where: { $0 >= cutoff }), first > 0 { times.removeFirst(first) }
    }

    public func rate(at time: Double) -> Double {
        let recent = times.filter { $0 >= time - horizon }
        guard recent.count >= 2, let first = recent.first else { return 0 }
        let span = max(time - first, 1e-3)
        return Double(recent.count - 1) / span
    }
}
