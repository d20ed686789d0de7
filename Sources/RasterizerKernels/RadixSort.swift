/// A stable least-significant-digit radix sort of `(key, value)` pairs by 32-bit key, in as
/// many passes of at most 11 bits as the keys' range needs (a head's depths span two passes).
/// Depth keys are the bit patterns of positive floats, which sort like the floats; stability
/// keeps equal depths in index order like the GPU sorts.
package enum RadixSort {
    /// Sorts `keys[0..<count]` with `values` alongside; `tempKeys`/`tempValues` are scratch of
    /// the same size. The result ends in `keys`/`values`.
    package static func sort(
        keys: UnsafeMutablePointer<UInt32>, values: UnsafeMutablePointer<UInt32>,
        tempKeys: UnsafeMutablePointer<UInt32>, tempValues: UnsafeMutablePointer<UInt32>,
        count: Int, histogram: UnsafeMutablePointer<Int>
    ) {
        guard count > 1 else { return }
        // Sort key − min: only the bits in which the keys differ need passes.
        var low = UInt32.max, high = UInt32.min
        for i in 0..<count {
            low = min(low, keys[i])
            high = max(high, keys[i])
        }
        let range = high - low
        if range == 0 { return }
        let bits = 32 - range.leadingZeroBitCount
        let passCount = (bits + 10) / 11
        let width = UInt32((bits + passCount - 1) / passCount)
        var srcK = keys, srcV = values, dstK = tempKeys, dstV = tempValues
        for i in 0..<count { srcK[i] = keys[i] &- low }
        for pass in 0..<passCount {
            let shift = UInt32(pass) * width
            let buckets = 1 << Int(width)
            let mask = UInt32(buckets - 1)
            histogram.initialize(repeating: 0, count: buckets)
            for i in 0..<count { histogram[Int((srcK[i] >> shift) & mask)] += 1 }
            var sum = 0
            for b in 0..<buckets {
                let c = histogram[b]
                histogram[b] = sum
                sum += c
            }
            for i in 0..<count {
                let k = srcK[i]
                let b = Int((k >> shift) & mask)
                let at = histogram[b]
                histogram[b] = at + 1
                dstK[at] = k
                dstV[at] = srcV[i]
            }
            swap(&srcK, &dstK)
            swap(&srcV, &dstV)
        }
        // Restore the keys; the result must end in `keys`/`values`.
        if srcK != keys {
            values.update(from: srcV, count: count)
        }
        for i in 0..<count { keys[i] = srcK[i] &+ low }
    }
}
