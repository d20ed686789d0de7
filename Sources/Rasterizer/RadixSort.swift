/// A stable least-significant-digit radix sort of `(key, value)` pairs by 32-bit key, in three
/// passes of 11, 11 and 10 bits. Depth keys are the bit patterns of positive floats, which
/// sort like the floats; stability keeps equal depths in index order like the GPU sorts.
enum RadixSort {
    /// Sorts `keys[0..<count]` with `values` alongside; `tempKeys`/`tempValues` are scratch of
    /// the same size. The result ends in `keys`/`values`.
    static func sort(
        keys: UnsafeMutablePointer<UInt32>, values: UnsafeMutablePointer<UInt32>,
        tempKeys: UnsafeMutablePointer<UInt32>, tempValues: UnsafeMutablePointer<UInt32>,
        count: Int, histogram: UnsafeMutablePointer<Int>
    ) {
        var srcK = keys, srcV = values, dstK = tempKeys, dstV = tempValues
        let passes: [(shift: UInt32, bits: UInt32)] = [(0, 11), (11, 11), (22, 10)]
        for pass in passes {
            let buckets = 1 << Int(pass.bits)
            let mask = UInt32(buckets - 1)
            histogram.initialize(repeating: 0, count: buckets)
            for i in 0..<count { histogram[Int((srcK[i] >> pass.shift) & mask)] += 1 }
            var sum = 0
            for b in 0..<buckets {
                let c = histogram[b]
                histogram[b] = sum
                sum += c
            }
            for i in 0..<count {
                let k = srcK[i]
                let b = Int((k >> pass.shift) & mask)
                let at = histogram[b]
                histogram[b] = at + 1
                dstK[at] = k
                dstV[at] = srcV[i]
            }
            swap(&srcK, &dstK)
            swap(&srcV, &dstV)
        }
        // Three passes: the result is in the temporaries; copy back.
        keys.update(from: srcK, count: count)
        values.update(from: srcV, count: count)
    }
}
