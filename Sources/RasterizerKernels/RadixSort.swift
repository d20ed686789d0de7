import SplatCore

/// A stable least-significant-digit radix sort of `(key, value)` pairs by 32-bit key, in as
/// many passes of at most 11 bits as the keys' range needs (a head's depths span two passes).
/// Depth keys are the bit patterns of positive floats, which sort like the floats; stability
/// keeps equal depths in index order like the GPU sorts.
///
/// Every pass runs on all workers: each counts the digits of its contiguous part of the input,
/// and the parts' buckets are laid out bucket by bucket, part after part, so each worker
/// scatters its part into its own slots and the order stays stable.
package enum RadixSort {
    /// Buckets of one pass (11 bits).
    package static let bucketCount = 2048

    /// Sorts `keys[0..<count]` with `values` alongside; `tempKeys`/`tempValues` are scratch of
    /// the same size and `histogram` holds `workers × bucketCount` entries. The result ends in
    /// `keys`/`values`.
    package static func sort(
        keys: UnsafeMutablePointer<UInt32>, values: UnsafeMutablePointer<UInt32>,
        tempKeys: UnsafeMutablePointer<UInt32>, tempValues: UnsafeMutablePointer<UInt32>,
        count: Int, histogram: UnsafeMutablePointer<Int>, workers requested: Int = 1
    ) {
        guard count > 1 else { return }
        let workers = Parallel.workers(for: count, threads: requested, minimumPerWorker: 8192)
        // Sort key − min: only the bits in which the keys differ need passes.
        var low = UInt32.max, high = UInt32.min
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * workers) { bounds in
            Parallel.run(workers, Bounds(keys: keys, count: count, workers: workers, bounds: bounds.baseAddress!))
            for w in 0..<workers {
                low = min(low, bounds[2 * w])
                high = max(high, bounds[2 * w + 1])
            }
        }
        let range = high - low
        if range == 0 { return }
        let bits = 32 - range.leadingZeroBitCount
        let passCount = (bits + 10) / 11
        let width = UInt32((bits + passCount - 1) / passCount)
        let buckets = 1 << Int(width)
        var srcK = keys, srcV = values, dstK = tempKeys, dstV = tempValues
        for pass in 0..<passCount {
            let digit = Digit(low: low, shift: UInt32(pass) * width, mask: UInt32(buckets - 1))
            histogram.initialize(repeating: 0, count: buckets * workers)
            Parallel.run(workers, Count(keys: srcK, count: count, workers: workers, digit: digit,
                                        histogram: histogram, buckets: buckets))
            // Exclusive offsets, bucket-major then worker.
            var sum = 0
            for b in 0..<buckets {
                for w in 0..<workers {
                    let c = histogram[w * buckets + b]
                    histogram[w * buckets + b] = sum
                    sum += c
                }
            }
            Parallel.run(workers, Scatter(keys: srcK, values: srcV, toKeys: dstK, toValues: dstV, count: count,
                                          workers: workers, digit: digit, histogram: histogram, buckets: buckets))
            swap(&srcK, &dstK)
            swap(&srcV, &dstV)
        }
        if srcK != keys {
            keys.update(from: srcK, count: count)
            values.update(from: srcV, count: count)
        }
    }

    /// The bits of a key one pass sorts by: `((key − low) >> shift) & mask`.
    private struct Digit {
        let low: UInt32, shift: UInt32, mask: UInt32
        @inline(__always) func callAsFunction(_ key: UInt32) -> Int { Int(((key &- low) >> shift) & mask) }
    }

    // The parallel steps, as values (a closure handed to the worker threads would allocate).

    private struct Bounds: ParallelWork {
        let keys: UnsafePointer<UInt32>, count: Int, workers: Int, bounds: UnsafeMutablePointer<UInt32>
        func run(worker: Int) {
            var low = UInt32.max, high = UInt32.min
            for i in Parallel.chunk(count, worker, workers) {
                low = min(low, keys[i])
                high = max(high, keys[i])
            }
            bounds[2 * worker] = low
            bounds[2 * worker + 1] = high
        }
    }

    private struct Count: ParallelWork {
        let keys: UnsafePointer<UInt32>, count: Int, workers: Int, digit: Digit
        let histogram: UnsafeMutablePointer<Int>, buckets: Int
        func run(worker: Int) {
            let h = histogram + worker * buckets
            for i in Parallel.chunk(count, worker, workers) { h[digit(keys[i])] += 1 }
        }
    }

    private struct Scatter: ParallelWork {
        let keys: UnsafePointer<UInt32>, values: UnsafePointer<UInt32>
        let toKeys: UnsafeMutablePointer<UInt32>, toValues: UnsafeMutablePointer<UInt32>
        let count: Int, workers: Int, digit: Digit, histogram: UnsafeMutablePointer<Int>, buckets: Int
        func run(worker: Int) {
            let h = histogram + worker * buckets
            for i in Parallel.chunk(count, worker, workers) {
                let k = keys[i]
                let b = digit(k)
                let at = h[b]
                h[b] = at + 1
                toKeys[at] = k
                toValues[at] = values[i]
            }
        }
    }
}
