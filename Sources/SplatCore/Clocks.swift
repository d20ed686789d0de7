#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Microseconds since the Unix epoch (CLOCK_REALTIME), the unit of every `*_us` wire field:
/// processes on one host can subtract each other's timestamps.
public func wallClockMicroseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
}

/// Seconds on the monotonic clock (CLOCK_MONOTONIC) since an arbitrary origin: ticks, ages,
/// pacing and durations use it, never the wall clock, so clock adjustments cannot stall or rush
/// them.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
