import Foundation

/// Seconds on the monotonic clock (CLOCK_MONOTONIC): stream ticks and ages use it, never the
/// wall clock, so that clock adjustments cannot stall or rush a stream.
public enum MonotonicClock {
    /// Now, in seconds since an arbitrary origin.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
