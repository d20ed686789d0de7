import SplatCore

/// Stage 2: which splats touch which tile, in depth order (gsplat's `isect_tiles` and
/// `isect_offset_encode`).
///
/// From the projected splats, their depth keys and tile rectangles it keeps the visible ones,
/// sorts them front to back (a radix sort over the bits in which the depths differ) and writes,
/// for every tile, copies of the splats that cover it in that order: tile `t`'s splats are
/// `tileSplats[starts[t] ..< starts[t + 1]]`, front to back. Copying (rather than listing
/// indices into one sorted array) lets the compositor stream each tile's splats from
/// consecutive memory instead of missing the cache on most of them.
///
/// The buffers are reused across frames: once a scene size has been seen, nothing is
/// allocated. Not thread-safe; the work inside runs on `workers` threads.
package struct TileIntersection {
    private var sortKeys = ScratchBuffer<UInt32>()
    private var sortValues = ScratchBuffer<UInt32>()
    private var tempKeys = ScratchBuffer<UInt32>()
    private var tempValues = ScratchBuffer<UInt32>()
    private var histogram = ScratchBuffer<Int>()
    private var sortedRects = ScratchBuffer<TileRect>()
    private var tileCounts = ScratchBuffer<Int>()      // [worker][tile], then exclusive offsets
    private var starts = ScratchBuffer<Int>()          // [tile + 1]
    private var copies = ScratchBuffer<ProjectedSplat>()

    package init() {}

    package func deallocate() {
        for b in [sortKeys, sortValues, tempKeys, tempValues] { b.deallocate() }
        histogram.deallocate(); tileCounts.deallocate(); starts.deallocate()
        copies.deallocate(); sortedRects.deallocate()
    }

    /// `tileCount + 1` offsets into `tileSplats` (valid until the next `intersect`).
    package var tileStarts: UnsafePointer<Int> { UnsafePointer(starts.pointer) }
    /// Copies of the visible splats, grouped by tile, each tile's front to back.
    package var tileSplats: UnsafePointer<ProjectedSplat> { UnsafePointer(copies.pointer) }

    /// The splats that cover tile `t`, front to back.
    package func splats(inTile t: Int) -> UnsafeBufferPointer<ProjectedSplat> {
        UnsafeBufferPointer(start: copies.pointer + starts.pointer[t], count: starts.pointer[t + 1] - starts.pointer[t])
    }

    /// Intersects `count` projected splats with a grid of `tilesX × tilesY` tiles. Returns the
    /// number of visible splats and of (tile, splat) pairs.
    package mutating func intersect(
        splats: UnsafePointer<ProjectedSplat>, depthKeys: UnsafePointer<UInt32>, rects: UnsafePointer<TileRect>,
        count n: Int, tilesX: Int, tilesY: Int, workers: Int
    ) -> (visible: Int, instances: Int) {
        let tileCount = tilesX * tilesY
        sortKeys.reserve(n); sortValues.reserve(n); tempKeys.reserve(n); tempValues.reserve(n)
        sortedRects.reserve(n); histogram.reserve(RadixSort.bucketCount * workers)
        tileCounts.reserve(tileCount * workers); starts.reserve(max(tileCount + 1, workers + 1))

        // Every step runs on every worker; the radix sort sorts only the bits in which the
        // depths differ (usually two passes instead of three).
        let visible = compactVisible(depthKeys: depthKeys, rects: rects, count: n, workers: workers)
        RadixSort.sort(keys: sortKeys.pointer, values: sortValues.pointer, tempKeys: tempKeys.pointer,
                       tempValues: tempValues.pointer, count: visible, histogram: histogram.pointer, workers: workers)
        let order = sortValues.pointer, sortedRects = self.sortedRects.pointer
        Parallel.run(workers, Gather(order: order, rects: rects, sortedRects: sortedRects, count: visible, workers: workers))
        let instances = bin(splats: splats, visible: visible, tileCount: tileCount, tilesX: tilesX, workers: workers)
        return (visible, instances)
    }

    /// Writes the depth keys and indices of the visible splats, in index order, to the sort
    /// buffers; returns how many there are.
    private func compactVisible(depthKeys: UnsafePointer<UInt32>, rects: UnsafePointer<TileRect>,
                                count n: Int, workers: Int) -> Int {
        let counts = starts.pointer  // scratch: at least workers + 1 entries
        let keys = sortKeys.pointer, values = sortValues.pointer
        Parallel.run(workers, CountVisible(rects: rects, counts: counts, count: n, workers: workers))
        var total = 0
        for w in 0..<workers {
            let c = counts[w]
            counts[w] = total
            total += c
        }
        Parallel.run(workers, CompactVisible(rects: rects, depthKeys: depthKeys, offsets: counts, keys: keys, values: values,
                                             count: n, workers: workers))
        return total
    }

    /// Counts, offsets and fills the per-tile lists of splat copies. Each worker takes a
    /// contiguous run of the depth order, so concatenating workers' runs per tile keeps depth order.
    private mutating func bin(splats: UnsafePointer<ProjectedSplat>, visible: Int, tileCount: Int, tilesX: Int,
                              workers: Int) -> Int {
        let counts = tileCounts.pointer, rects = sortedRects.pointer
        counts.initialize(repeating: 0, count: workers * tileCount)
        Parallel.run(workers, CountTiles(rects: rects, counts: counts, count: visible, tileCount: tileCount, tilesX: tilesX,
                                         workers: workers))
        // Exclusive offsets, tile-major then worker.
        var total = 0
        let starts = self.starts.pointer
        for t in 0..<tileCount {
            starts[t] = total
            for w in 0..<workers {
                let c = counts[w * tileCount + t]
                counts[w * tileCount + t] = total
                total += c
            }
        }
        starts[tileCount] = total
        copies.reserve(total)
        Parallel.run(workers, FillTiles(order: sortValues.pointer, splats: splats, rects: rects, cursors: counts,
                                        copies: copies.pointer, count: visible, tileCount: tileCount, tilesX: tilesX,
                                        workers: workers))
        return total
    }

    // The parallel steps, as values (a closure handed to the worker threads would allocate).

    private struct Gather: ParallelWork {
        let order: UnsafePointer<UInt32>, rects: UnsafePointer<TileRect>, sortedRects: UnsafeMutablePointer<TileRect>
        let count: Int, workers: Int

        func run(worker: Int) {
            for k in Parallel.chunk(count, worker, workers) { sortedRects[k] = rects[Int(order[k])] }
        }
    }

    private struct CountVisible: ParallelWork {
        let rects: UnsafePointer<TileRect>, counts: UnsafeMutablePointer<Int>, count: Int, workers: Int

        func run(worker: Int) {
            var c = 0
            for i in Parallel.chunk(count, worker, workers) where rects[i].x1 > rects[i].x0 { c += 1 }
            counts[worker] = c
        }
    }

    private struct CompactVisible: ParallelWork {
        let rects: UnsafePointer<TileRect>, depthKeys: UnsafePointer<UInt32>, offsets: UnsafePointer<Int>
        let keys: UnsafeMutablePointer<UInt32>, values: UnsafeMutablePointer<UInt32>, count: Int, workers: Int

        func run(worker: Int) {
            var at = offsets[worker]
            for i in Parallel.chunk(count, worker, workers) where rects[i].x1 > rects[i].x0 {
                keys[at] = depthKeys[i]
                values[at] = UInt32(i)
                at += 1
            }
        }
    }

    private struct CountTiles: ParallelWork {
        let rects: UnsafePointer<TileRect>, counts: UnsafeMutablePointer<Int>, count: Int, tileCount: Int, tilesX: Int
        let workers: Int

        func run(worker: Int) {
            let row = counts + worker * tileCount
            for k in Parallel.chunk(count, worker, workers) {
                let r = rects[k]
                for ty in Int(r.y0)..<Int(r.y1) {
                    for tx in Int(r.x0)..<Int(r.x1) { row[ty * tilesX + tx] += 1 }
                }
            }
        }
    }

    private struct FillTiles: ParallelWork {
        let order: UnsafePointer<UInt32>, splats: UnsafePointer<ProjectedSplat>, rects: UnsafePointer<TileRect>
        let cursors: UnsafeMutablePointer<Int>, copies: UnsafeMutablePointer<ProjectedSplat>
        let count: Int, tileCount: Int, tilesX: Int, workers: Int

        func run(worker: Int) {
            let cursor = cursors + worker * tileCount
            for k in Parallel.chunk(count, worker, workers) {
                let r = rects[k]
                let splat = splats[Int(order[k])]
                for ty in Int(r.y0)..<Int(r.y1) {
                    for tx in Int(r.x0)..<Int(r.x1) {
                        let t = ty * tilesX + tx
                        copies[cursor[t]] = splat
                        cursor[t] += 1
                    }
                }
            }
        }
    }
}
