import RasterizerKernels
import SplatCore
import SplatIO
import Synchronization

/// Renders world-space Gaussians through a pinhole camera (docs/rasterizer.md): projection,
/// depth sort and tile binning, then tiles composited front to back on all workers.
///
/// A renderer owns its scratch memory and reuses it: after the first frame of a given scene
/// size it allocates nothing. It is not reentrant: render one frame at a time per renderer.
public final class Renderer: @unchecked Sendable {
    // @unchecked: the scratch buffers are mutated by `render`, which the type documents as not
    // reentrant (one frame at a time per renderer); every other stored property is immutable
    // or atomic.

    /// Number of threads that share each frame.
    public let threadCount: Int

    private var splats = ScratchBuffer<ProjectedSplat>()
    private var depthKeys = ScratchBuffer<UInt32>()
    private var rects = ScratchBuffer<TileRect>()
    private var visibleCounts = ScratchBuffer<Int>()
    private var intersection = TileIntersection()
    fileprivate let compositors: [TileCompositor]
    fileprivate let nextTile = Atomic<Int>(0)

    /// Creates a renderer using `threadCount` threads per frame (default: every core).
    public init(threadCount: Int = Parallel.coreCount) {
        self.threadCount = max(1, threadCount)
        compositors = (0..<self.threadCount).map { _ in TileCompositor() }
    }

    deinit {
        splats.deallocate(); depthKeys.deallocate(); rects.deallocate(); visibleCounts.deallocate()
        intersection.deallocate()
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
        let projection = Projection(ProjectionSetup(
            rotationRows: camera.worldToCamera.rows, translation: camera.worldToCamera.translation,
            centre: camera.centre, fx: camera.fx, fy: camera.fy, cx: camera.cx, cy: camera.cy,
            width: camera.width, height: camera.height,
            inria: options.convention == .inria, nearPlane: options.nearPlane))
        let tileCount = Int(projection.tilesX * projection.tilesY)
        splats.reserve(n); depthKeys.reserve(n); rects.reserve(n); visibleCounts.reserve(threadCount)
        let workers = threadCount

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
                            Parallel.run(workers, ProjectStep(
                                projection: projection, cloud: view, splats: splats.pointer,
                                depthKeys: depthKeys.pointer, rects: rects.pointer, visible: visibleCounts.pointer,
                                workers: workers))
                        }
                    }
                }
            }
        }
        report.projectionSeconds = clock.lap()
        for w in 0..<workers { report.visible += visibleCounts.pointer[w] }

        // 2. Tile intersection: the splats that reach a pixel, sorted by depth, per-tile lists.
        let (_, instances) = intersection.intersect(
            splats: splats.pointer, depthKeys: depthKeys.pointer, rects: rects.pointer, count: n,
            tilesX: Int(projection.tilesX), tilesY: Int(projection.tilesY), workers: workers)
        report.tileInstances = instances
        report.binningSeconds = clock.lap()

        // 3. Compositing: workers take tiles from a shared counter.
        nextTile.store(0, ordering: .relaxed)
        framebuffer.withPlanes { output in
            Parallel.run(workers, CompositeStep(
                renderer: self, tileCount: tileCount, tilesX: Int(projection.tilesX),
                starts: intersection.tileStarts, splats: intersection.tileSplats,
                alphaClamp: options.alphaClamp, inclusiveStop: options.convention == .gsplat,
                background: options.background, output: output))
        }
        report.compositingSeconds = clock.lap()
        return report
    }
}

// The parallel steps of a frame, as values (a closure handed to the worker threads would
// allocate on every frame).

/// Stage 1 on worker `worker`'s contiguous chunk of the Gaussians.
private struct ProjectStep: ParallelWork {
    let projection: Projection, cloud: CloudView
    let splats: UnsafeMutablePointer<ProjectedSplat>, depthKeys: UnsafeMutablePointer<UInt32>
    let rects: UnsafeMutablePointer<TileRect>, visible: UnsafeMutablePointer<Int>, workers: Int

    func run(worker: Int) {
        visible[worker] = projection.project(cloud, range: Parallel.chunk(cloud.count, worker, workers),
                                             splats: splats, depthKeys: depthKeys, rects: rects)
    }
}

/// Stage 3: workers take tiles from the renderer's shared counter until none are left.
private struct CompositeStep: ParallelWork {
    let renderer: Renderer, tileCount: Int, tilesX: Int
    let starts: UnsafePointer<Int>, splats: UnsafePointer<ProjectedSplat>
    let alphaClamp: Float, inclusiveStop: Bool, background: SIMD3<Float>, output: ImagePlanes

    func run(worker: Int) {
        let compositor = renderer.compositors[worker]
        let ts = RasterConstants.tileSize
        while true {
            let t = renderer.nextTile.wrappingAdd(1, ordering: .relaxed).oldValue
            if t >= tileCount { break }
            compositor.composite(
                tileX: (t % tilesX) * ts, tileY: (t / tilesX) * ts,
                splats: splats + starts[t], count: starts[t + 1] - starts[t],
                alphaClamp: alphaClamp, inclusiveStop: inclusiveStop,
                background: background, output: output)
        }
    }
}
