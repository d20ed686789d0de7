import RasterizerKernels
import SplatCore
import SplatIO
import XCTest

final class RadixSortTests: XCTestCase {
    /// Matches a stable comparison sort, for wide and narrow key ranges, with many ties, on one
    /// to three workers.
    func testMatchesAStableSort() {
        var rng = SplitMix64(seed: 9)
        // 40 000 keys are enough for the sort to split its passes across workers.
        for (count, range) in [(1, 10), (2, 1), (1000, 7), (5000, 1 << 20), (5000, Int(UInt32.max)),
                               (40000, 1 << 20), (40000, 3)] {
            for workers in 1...3 {
                let keys = (0..<count).map { _ in UInt32(truncatingIfNeeded: Int(rng.next() % UInt64(range)) + 12345) }
                let values = (0..<count).map { UInt32($0) }
                var k = keys, v = values, tk = [UInt32](repeating: 0, count: count), tv = tk
                var histogram = [Int](repeating: 0, count: RadixSort.bucketCount * workers)
                k.withUnsafeMutableBufferPointer { kp in
                    v.withUnsafeMutableBufferPointer { vp in
                        tk.withUnsafeMutableBufferPointer { tkp in
                            tv.withUnsafeMutableBufferPointer { tvp in
                                histogram.withUnsafeMutableBufferPointer { h in
                                    RadixSort.sort(keys: kp.baseAddress!, values: vp.baseAddress!, tempKeys: tkp.baseAddress!,
                                                   tempValues: tvp.baseAddress!, count: count, histogram: h.baseAddress!,
                                                   workers: workers)
                                }
                            }
                        }
                    }
                }
                let expected = zip(keys, values).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                XCTAssertEqual(k, expected.map(\.0), "keys, count \(count), range \(range), workers \(workers)")
                XCTAssertEqual(v, expected.map(\.1), "values (stability), count \(count), range \(range), workers \(workers)")
            }
        }
    }
}
