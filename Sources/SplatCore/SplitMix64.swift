#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small, fast, deterministic random generator (SplitMix64), for generated content (the demo
/// avatar, synthetic scenes and rigs, tests): the same seed gives the same result everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func nextFloat() -> Float { Float(next() >> 40) * (1 / Float(1 << 24)) }

    /// Uniform in [a, b).
    public mutating func uniform(_ a: Float, _ b: Float) -> Float { a + (b - a) * nextFloat() }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Float {
        let u = max(nextFloat(), 1e-7), v = nextFloat()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
