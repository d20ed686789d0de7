import SplatCore

/// Deterministic mutations of seed inputs, in the spirit of libFuzzer's but seeded, so that the
/// smoke test runs the same inputs on every machine: a failure found here is reproducible.
struct Mutator {
    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// Values that sit on the edges of sizes and counts (the usual suspects of length checks).
    private static let interesting: [UInt32] = [0, 1, 2, 3, 4, 7, 8, 16, 32, 46, 64, 127, 128, 255, 256, 1023, 1024,
                                                4096, 32767, 32768, 65535, 65536, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE,
                                                0xFFFF_FFFF]

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(random.next() % UInt64(n)) }

    /// `seed` changed by one to four mutations; `other` is a second input to splice with.
    mutating func mutate(_ seed: [UInt8], other: [UInt8], maximumLength: Int) -> [UInt8] {
        var bytes = seed
        for _ in 0...below(4) {
            switch below(9) {
            case 0 where !bytes.isEmpty:  // flip a bit
                let i = below(bytes.count)
                bytes[i] ^= 1 << UInt8(below(8))
            case 1 where !bytes.isEmpty:  // set a byte to anything
                bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
            case 2 where !bytes.isEmpty:  // truncate
                bytes.removeLast(below(bytes.count) + 1)
            case 3:  // insert random bytes
                let n = below(16) + 1
                let at = below(bytes.count + 1)
                bytes.insert(contentsOf: (0..<n).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
            case 4 where bytes.count >= 4:  // an interesting 32-bit value, either byte order
                var v = Self.interesting[below(Self.interesting.count)]
                if below(2) == 0 { v = v.byteSwapped }
                let at = below(bytes.count - 3)
                for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
            case 5 where !bytes.isEmpty:  // repeat a slice
                let start = below(bytes.count)
                let end = min(bytes.count, start + below(64) + 1)
                bytes.insert(contentsOf: bytes[start..<end], at: below(bytes.count + 1))
            case 6 where !other.isEmpty:  // splice: our head, the other's tail
                let cut = below(bytes.count + 1)
                bytes = Array(bytes[..<cut]) + other[below(other.count)...]
            case 7 where !bytes.isEmpty:  // erase a slice
                let start = below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + below(32) + 1))
            default:  // random bytes from scratch, now and then
                if below(8) == 0 { bytes = (0..<below(256)).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
            }
        }
        return bytes.count > maximumLength ? Array(bytes.prefix(maximumLength)) : bytes
    }
}
