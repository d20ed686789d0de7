import Dispatch
import Foundation
import SplatIO
import Synchronization

/// Renders world-space Gaussians through a pinhole camera (rasterizer.md): projection,
/// depth sort and tile binning, then tiles composited front to back on all workers.
///
/// A renderer owns its scratch memory and reuses it: after the first frame of a given scene
/// size it allocates nothing. It is not reentrant: render one frame at a time per renderer.
public final class Renderer: @unchecked Sendable {
    /// Number of threads that share each frame.
    public let threadCount: Int

    private var splats = ScratchBuffer<ProjectedSplat>()
    private var depthKeys = ScratchBuffer<UInt32>()
    private var rects = ScratchBuffer<TileRect>()
    private var sortKeys = ScratchBuffer<UInt32>()
    private var sortValues = ScratchBuffer<UInt32>()
    private var tempKeys = ScratchBuffer<UInt32>()
    private var tempValues = ScratchBuffer<UInt32>()
    private var histogram = ScratchBuffer<Int>()
    private var sortedSplats = ScratchBuffer<ProjectedSplat>()
    private var sortedRects = ScratchBuffer<TileRect>()
    private var tileCounts = ScratchBuffer<Int>()      // [worker][tile], then exclusive offsets
    private var tileStarts = ScratchBuffer<Int>()      // [tile + 1]
    private var tileIds = ScratchBuffer<UInt32>()
    private let compositors: [TileCompositor]
    private let nextTile = Atomic<Int>(0)

    /// Creates a renderer using `threadCount` threads per frame (default: every core).
    public init(threadCount: Int = System.coreCount) {
        self.threadCount = max(1, threadCount)
        compositors = (0..<self.threadCount).map { _ in TileCompositor() }
        histogram.reserve(2048)
    }

    deinit {
        splats.deallocate(); depthKeys.deallocate(); rects.deallocate()
        sortKeys.deallocate(); sortValues.deallocate(); tempKeys.deallocate(); tempValues.deallocate()
        histogram.deallocate(); sortedSplats.deallocate(); sortedRects.deallocate()
        tileCounts.deallocate(); tileStarts.deallocate(); tileIds.deallocate()
        for c in compositors { c.deallocate() }
    }

    /// Renders `cloud` as seen by `camera` into `framebuffer`, which must have the camera's size.
    @discardableResult
    public func render(_ cloud: GaussianCloud, camera: Camera, options: RenderOptions = RenderOptions(),
                       into framebuffer: Framebuffer) -> RenderReport {
        precondition(framebuffer.width == camera.width && framebuffer.height == camera.height,
                     "framebuffer is \(framebuffer.width)×\(framebuffer.height) but the camera is \(camera.width)×\(camera.height)")
        var report = RenderReport()
        let n = cloud.count
        guard n > 0 else {
            framebuffer.clear(to: options.background)
            return report
        }
        let projection = Projection(camera: camera, options: options)
        let tileCount = Int(projection.tilesX * projection.tilesY)
        reserve(gaussians: n, tiles: tileCount)

        // 1. Projection, in contiguous chunks per worker.
        var clock = Stopwatch()
        cloud.positions.withUnsafeBufferPointer { positions in
            cloud.scales.withUnsafeBufferPointer { scales in
                cloud.rotations.withUnsafeBufferPointer { rotations in
                    cloud.opacities.withUnsafeBufferPointer { opacities in
                        cloud.sh.withUnsafeBufferPointer { sh in
                            let view = CloudView(
                                positions: positions.baseAddress!, scales: scales.baseAddress!,
                                rotations: rotations.baseAddress!, opacities: opacities.baseAddress!,
                                sh: sh.baseAddress!, shDegree: cloud.shDegree, count: n)
                            let splats = self.splats.pointer, keys = depthKeys.pointer, rects = self.rects.pointer
                            parallel { worker, workers in
                                projection.project(view, range: chunk(n, worker, workers),
                                                   splats: splats, depthKeys: keys, rects: rects)
                            }
                        }
                    }
                }
            }
        }
        report.projectionSeconds = clock.lap()

        // 2. Depth sort of the visible Gaussians, then stable binning into tiles. Compaction
        // and gathering run on every worker; the radix sort sorts only the bits in which the
        // depths differ (usually two passes instead of three).
        let visible = compactVisible(count: n)
        report.visible = visible
        RadixSort.sort(keys: sortKeys.pointer, values: sortValues.pointer, tempKeys: tempKeys.pointer,
                       tempValues: tempValues.pointer, count: visible, histogram: histogram.pointer)
        let order = sortValues.pointer, sortedSplats = self.sortedSplats.pointer, sortedRects = self.sortedRects.pointer
        let splats = self.splats.pointer, rects = self.rects.pointer
        parallel { worker, workers in
            for k in chunk(visible, worker, workers) {
                let i = Int(order[k])
                sortedSplats[k] = splats[i]
                sortedRects[k] = rects[i]
            }
        }
        report.tileInstances = bin(visible: visible, tileCount: tileCount, tilesX: Int(projection.tilesX))
        report.binningSeconds = clock.lap()

        // 3. Compositing: workers take tiles from a shared counter.
        nextTile.store(0, ordering: .relaxed)
        let tilesX = Int(projection.tilesX)
        let alphaClamp = options.alphaClamp
        let inclusiveStop = options.convention == .gsplat
        let background = options.background
        let starts = tileStarts.pointer, ids = tileIds.pointer, sorted = self.sortedSplats.pointer
        framebuffer.withPointers { output in
            parallel { worker, _ in
                let compositor = compositors[worker]
                while true {
                    let t = nextTile.wrappingAdd(1, ordering: .relaxed).oldValue
                    if t >= tileCount { break }
                    let ts = RasterConstants.tileSize
                    compositor.composite(
                        tileX: (t % tilesX) * ts, tileY: (t / tilesX) * ts,
                        ids: ids + starts[t], count: starts[t + 1] - starts[t], splats: sorted,
                        alphaClamp: alphaClamp, inclusiveStop: inclusiveStop,
                        background: background, output: output)
                }
            }
        }
        report.compositingSeconds = clock.lap()
        return report
    }

    /// Writes the depth keys and indices of the visible Gaussians, in index order, to the sort
    /// buffers; returns how many there are.
    private func compactVisible(count n: Int) -> Int {
        let workers = threadCount
        let counts = tileStarts.pointer  // scratch: at least workers + 1 entries (reserved below)
        let rects = self.rects.pointer, depthKeys = self.depthKeys.pointer
        let keys = sortKeys.pointer, values = sortValues.pointer
        parallel { worker, workers in
            var c = 0
            for i in chunk(n, worker, workers) where rects[i].x1 > rects[i].x0 { c += 1 }
            counts[worker] = c
        }
        var total = 0
        for w in 0..<workers {
            let c = counts[w]
            counts[w] = total
            total += c
        }
        parallel { worker, workers in
            var at = counts[worker]
            for i in chunk(n, worker, workers) where rects[i].x1 > rects[i].x0 {
                keys[at] = depthKeys[i]
                values[at] = UInt32(i)
                at += 1
            }
        }
        return total
    }

    /// Counts, offsets and fills the per-tile lists of sorted splat indices. Each worker takes a
    /// contiguous run of the depth order, so concatenating workers' runs per tile keeps depth order.
    private func bin(visible: Int, tileCount: Int, tilesX: Int) -> Int {
        let workers = threadCount
        let counts = tileCounts.pointer, rects = sortedRects.pointer
        counts.initialize(repeating: 0, count: workers * tileCount)
        parallel { worker, workers in
            let row = counts + worker * tileCount
            for k in chunk(visible, worker, workers) {
                let r = rects[k]
                for ty in Int(r.y0)..<Int(r.y1) {
                    for tx in Int(r.x0)..<Int(r.x1) { row[ty * tilesX + tx] += 1 }
                }
            }
        }
        // Exclusive offsets, tile-major then worker.
        var total = 0
        for t in 0..<tileCount {
            tileStarts.pointer[t] = total
            for w in 0..<workers {
                let c = counts[w * tileCount + t]
                counts[w * tileCount + t] = total
                total += c
            }
        }
        tileStarts.pointer[tileCount] = total
        tileIds.reserve(total)
        let ids = tileIds.pointer
        parallel { worker, workers in
            let cursor = counts + worker * tileCount
            for k in chunk(visible, worker, workers) {
                let r = rects[k]
                for ty in Int(r.y0)..<Int(r.y1) {
                    for tx in Int(r.x0)..<Int(r.x1) {
                        let t = ty * tilesX + tx
                        ids[cursor[t]] = UInt32(k)
                        cursor[t] += 1
                    }
                }
            }
        }
        return total
    }

    private func reserve(gaussians n: Int, tiles: Int) {
        splats.reserve(n); depthKeys.reserve(n); rects.reserve(n)
        sortKeys.reserve(n); sortValues.reserve(n); tempKeys.reserve(n); tempValues.reserve(n)
        sortedSplats.reserve(n); sortedRects.reserve(n)
        tileCounts.reserve(tiles * threadCount); tileStarts.reserve(max(tiles + 1, threadCount + 1))
    }

    /// Runs `body(worker, workers)` on every worker thread and waits.
    private func parallel(_ body: (Int, Int) -> Void) {
        let workers = threadCount
        if workers == 1 { body(0, 1); return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { box.value($0, workers) }
        }
    }
}

/// The `worker`-th of `workers` near-equal contiguous parts of `0..<count`.
@inline(__always)
func chunk(_ count: Int, _ worker: Int, _ workers: Int) -> Range<Int> {
    (count * worker / workers)..<(count * (worker + 1) / workers)
}

struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Wall-clock laps on the monotonic clock.
struct Stopwatch {
    private var last = DispatchTime.now().uptimeNanoseconds
    /// Seconds since the previous lap (or creation).
    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1e9
    }
}

/// Facts about the machine.
public enum System {
    /// Cores available to this process.
    public static var coreCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
}
