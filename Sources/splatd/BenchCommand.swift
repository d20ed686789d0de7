import Animator
import ArgumentParser
import Foundation
import FrameEncoder
import Rasterizer
import SplatCore
import SplatIO

/// `splatd bench`: renders repeatedly and reports per-stage times and frames per second.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Render a scene repeatedly; print per-stage times, fps, and a final JSON line.",
        discussion: """
            Either a scene and camera (--scene FILE --camera CAMERA.json), a synthetic head-sized \
            shell of N Gaussians seen from 1 m (--synthetic N --width W --height H), an avatar \
            (--avatar PATH|demo [--rig FLAME.npz]) posed by an animated drive every frame, or N \
            Gaussians bound to a rig (--bound N: on the demo head; with --rig synthetic: a \
            GaussianAvatars-style avatar on a FLAME-sized synthetic rig — 5132 vertices, 10260 \
            triangles, 300 shape and 100 expression components — written to a temporary folder and \
            loaded back; with --rig FILE: on your own FLAME rig). --pose-only skips rendering.

            The last line is JSON with "fps" (median over the measured frames, warm-up excluded), \
            "gaussians", "visible" and the per-stage medians in milliseconds; avatars add \
            "rig_ms" (rig evaluation), "deform_ms" (triangle frames + Gaussian deformation), \
            "pose_ms" (both), "load_ms" (avatar load, or generation for the demo) and, when a rig \
            file is read, "rig_load_ms".
            """
    )

    @Option(name: .long, help: "Scene file (.ply or .splat).")
    var scene: String?

    @Option(name: .long, help: "Camera JSON for --scene (default: the synthetic head camera).")
    var camera: String?

    @Option(name: .long, help: "Benchmark a synthetic head-sized shell of this many Gaussians.")
    var synthetic: Int?

    @Option(name: .long, help: ArgumentHelp("Also write the scene to this .splat or .ply file (a .splat keeps only the base colour), so another renderer can be measured on it.", valueName: "file"))
    var saveScene: String?

    @Option(name: .long, help: ArgumentHelp("Also write the camera to this JSON file (the --camera format).", valueName: "file"))
    var saveCamera: String?

    @Option(name: .long, help: "Image width for --synthetic.")
    var width: Int = 512

    @Option(name: .long, help: "Image height for --synthetic.")
    var height: Int = 512

    @Option(name: .long, help: "Measured frames.")
    var count: Int = 100

    @Option(name: .long, help: "Warm-up frames (not measured).")
    var warmup: Int = 10

    @Option(name: .long, help: "Threads per frame (default: every core).")
    var threads: Int = Parallel.coreCount

    @Option(name: .long, help: "Rendering semantics: gsplat or inria.")
    var convention: Convention = .gsplat

    @Flag(name: .long, help: "Avatars: render every Gaussian, not the level of detail the daemon would use for this camera.")
    var fullDetail = false

    @Option(name: .long, help: "Codec timed after each render: png[:level], jpeg[:quality] or raw.")
    var codec: String = "jpeg:85"

    @Option(name: .long, help: "Benchmark an avatar: 'demo', a GaussianAvatars folder (with --rig) or a .ply/.splat.")
    var avatar: String?

    @Option(name: .long, help: "FLAME rig file for --avatar, or for --bound: 'synthetic' (FLAME-sized) or a rig file.")
    var rig: String?

    @Option(name: .long, help: "Benchmark N Gaussians bound to the demo head (or to --rig).")
    var bound: Int?

    @Flag(name: .long, help: "Only pose the avatar (rig + deformation); do not render or encode.")
    var poseOnly = false

    func validate() throws {
        let sources = [scene != nil, synthetic != nil, avatar != nil, bound != nil].filter { $0 }.count
        guard sources == 1 else {
            throw ValidationError("give one of --scene FILE, --synthetic N, --avatar PATH|demo or --bound N")
        }
        if rig != nil && avatar == nil && bound == nil { throw ValidationError("--rig needs --avatar or --bound") }
        if poseOnly && avatar == nil && bound == nil { throw ValidationError("--pose-only needs --avatar or --bound") }
        if let bound, !(1...20_000_000).contains(bound) {
            throw ValidationError("--bound must be 1…20000000, got \(bound)")
        }
        if (saveScene != nil || saveCamera != nil) && (avatar != nil || bound != nil) {
            throw ValidationError("--save-scene and --save-camera go with --synthetic or --scene")
        }
        if let synthetic, !(1...50_000_000).contains(synthetic) {
            throw ValidationError("--synthetic must be 1…50000000, got \(synthetic)")
        }
        guard (1...100_000).contains(count), (0...10_000).contains(warmup) else {
            throw ValidationError("--count must be 1…100000 and --warmup 0…10000")
        }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be 1…256") }
    }

    mutating func run() throws {
        if avatar != nil || bound != nil {
            try runAvatar()
            return
        }
        let cloud: GaussianCloud
        let cam: Camera
        if let synthetic {
            cloud = SyntheticScene.headShell(count: synthetic)
            cam = try SyntheticScene.headCamera(width: width, height: height)
        } else {
            do { cloud = try SceneFile.read(contentsOf: URL(fileURLWithPath: scene!)) } catch {
                throw ValidationError("\(error)")
            }
            cam = try camera.map { try CameraOptions.parse(["--camera", $0]).load() }
                ?? SyntheticScene.headCamera(width: width, height: height)
        }
        do {
            if let saveScene { try SceneFile.write(cloud, to: URL(fileURLWithPath: saveScene)) }
            if let saveCamera { try cam.jsonData().write(to: URL(fileURLWithPath: saveCamera)) }
        } catch { throw ValidationError("\(error)") }
        let codecValue: FrameCodec
        do { codecValue = try FrameCodec(parsing: codec) } catch { throw ValidationError("\(error)") }
        var encoder = try makeEncoder(for: codecValue)

        let renderer = Renderer(threadCount: threads)
        let framebuffer = Framebuffer(width: cam.width, height: cam.height)
        let options = RenderOptions(convention: convention)
        var encoded: [UInt8] = []
        var samples = StageSamples()
        for frame in 0..<(warmup + count) {
            let report = renderer.render(cloud, camera: cam, options: options, into: framebuffer)
            var clock = Stopwatch()
            try encoder.encode(framebuffer.rgb8, width: cam.width, height: cam.height, layout: .rgb8, into: &encoded)
            let encodeSeconds = clock.lap()
            if frame >= warmup { samples.add(report, encodeSeconds: encodeSeconds) }
            if frame == 0 { samples.visible = report.visible; samples.tileInstances = report.tileInstances }
        }
        samples.print(gaussians: cloud.count, camera: cam, threads: threads, codec: codecValue, encodedBytes: encoded.count)
    }

    /// Loads (timed) and then poses, renders and encodes an avatar every frame.
    private func runAvatar() throws {
        let loaded: AvatarBenchmark.Loaded
        do {
            if let bound {
                loaded = try AvatarBenchmark.bound(count: bound, rig: rig, threads: threads)
            } else {
                loaded = try AvatarBenchmark.load(avatar!, rig: rig, threads: threads)
            }
        } catch let error as ValidationError { throw error } catch { throw ValidationError("\(error)") }
        let cam = try camera.map { try CameraOptions.parse(["--camera", $0]).load() }
            ?? Camera.lookAt(eye: loaded.avatar.focus + SIMD3(0, 0, 1), target: loaded.avatar.focus, fovY: 20, width: width, height: height)
        // The level of detail the daemon would render for this camera (built at load there).
        var clock = Stopwatch()
        let detail = try DetailLevels(loaded.avatar)
        let detailSeconds = clock.lap()
        let avatar = fullDetail || poseOnly ? loaded.avatar : detail.avatar(seenFrom: cam.centre, focalLength: cam.fy)
        let codecValue: FrameCodec
        do { codecValue = try FrameCodec(parsing: codec) } catch { throw ValidationError("\(error)") }
        var encoder = try makeEncoder(for: codecValue)
        let renderer = Renderer(threadCount: threads)
        let framebuffer = Framebuffer(width: cam.width, height: cam.height)
        let options = RenderOptions(convention: Convention(rawValue: avatar.renderHints.convention.rawValue) ?? convention,
                                    background: avatar.renderHints.background)
        var cloud = avatar.makeCloud()
        var encoded: [UInt8] = []
        var samples = StageSamples()
        var drive = AvatarBenchmark.Drive(kind: avatar.kind)
        for frame in 0..<(warmup + count) {
            let pose = try avatar.pose(drive.next(), into: &cloud)
            if frame >= warmup { samples.addPose(pose) }
            if poseOnly { continue }
            let report = renderer.render(cloud, camera: cam, options: options, into: framebuffer)
            var clock = Stopwatch()
            try encoder.encode(framebuffer.rgb8, width: cam.width, height: cam.height, layout: .rgb8, into: &encoded)
            let encodeSeconds = clock.lap()
            if frame >= warmup { samples.add(report, encodeSeconds: encodeSeconds) }
            if frame == 0 { samples.visible = report.visible; samples.tileInstances = report.tileInstances }
        }
        Swift.print("avatar: \(loaded.description)")
        samples.printAvatar(loaded: loaded, rendered: avatar, detailSeconds: detailSeconds, camera: cam, threads: threads,
                            codec: codecValue, encodedBytes: encoded.count, renderedFrames: !poseOnly)
    }
}

/// Per-frame stage times of a benchmark run.
struct StageSamples {
    var projection: [Double] = [], binning: [Double] = [], compositing: [Double] = []
    var render: [Double] = [], encoding: [Double] = []
    var rig: [Double] = [], deform: [Double] = []
    var visible = 0, tileInstances = 0

    mutating func addPose(_ report: PoseReport) {
        rig.append(report.rigSeconds)
        deform.append(report.deformSeconds)
    }

    mutating func add(_ report: RenderReport, encodeSeconds: Double) {
        projection.append(report.projectionSeconds)
        binning.append(report.binningSeconds)
        compositing.append(report.compositingSeconds)
        render.append(report.totalSeconds)
        encoding.append(encodeSeconds)
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }

    /// The avatar benchmark's report: pose stages, then (when rendered) the render stages, then JSON.
    func printAvatar(loaded: AvatarBenchmark.Loaded, rendered level: Avatar, detailSeconds: Double, camera: Camera, threads: Int,
                     codec: FrameCodec, encodedBytes: Int, renderedFrames rendered: Bool) {
        func ms(_ v: [Double]) -> Double { Self.median(v) * 1000 }
        let pose = zip(rig, deform).map { $0 + $1 }
        Self.row("rig", rig)
        Self.row("deformation", deform)
        Self.row("pose", pose)
        var extra: [String: Any] = [
            "rig_ms": ms(rig), "deform_ms": ms(deform), "pose_ms": ms(pose), "load_ms": loaded.loadSeconds * 1000,
            "avatar_kind": loaded.avatar.kind.rawValue, "avatar_gaussians": loaded.avatar.gaussianCount,
            "detail_levels_ms": detailSeconds * 1000,
        ]
        if level !== loaded.avatar {
            Swift.print("level of detail: \(level.gaussianCount) of \(loaded.avatar.gaussianCount) Gaussians (--full-detail renders all)")
        }
        if let rigLoad = loaded.rigLoadSeconds { extra["rig_load_ms"] = rigLoad * 1000 }
        if rendered {
            print(gaussians: level.gaussianCount, camera: camera, threads: threads, codec: codec,
                  encodedBytes: encodedBytes, extra: extra)
        } else {
            Swift.print(String(format: "pose: %.3f ms median (rig %.3f + deformation %.3f), %d Gaussians, %d thread(s), %d frames",
                               ms(pose), ms(rig), ms(deform), level.gaussianCount, threads, pose.count))
            extra["gaussians"] = level.gaussianCount
            extra["threads"] = threads
            extra["frames"] = pose.count
            let data = try! JSONSerialization.data(withJSONObject: extra, options: [.sortedKeys])
            Swift.print(String(decoding: data, as: UTF8.self))
        }
    }

    static func row(_ name: String, _ v: [Double]) {
        let s = v.sorted()
        guard let first = s.first, let last = s.last else { return }
        Swift.print(name.padding(toLength: 14, withPad: " ", startingAt: 0)
            + String(format: "median %7.3f ms   min %7.3f   max %7.3f", median(v) * 1000, first * 1000, last * 1000))
    }

    func print(gaussians: Int, camera: Camera, threads: Int, codec: FrameCodec, encodedBytes: Int, extra: [String: Any] = [:]) {
        func ms(_ v: [Double]) -> Double { Self.median(v) * 1000 }
        func row(_ name: String, _ v: [Double]) {
            let s = v.sorted()
            Swift.print(name.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: "median %7.2f ms   min %7.2f   max %7.2f", ms(v), s.first! * 1000, s.last! * 1000))
        }
        Swift.print("scene: \(gaussians) Gaussians, \(visible) visible, \(tileInstances) tile instances; \(camera.width)×\(camera.height); \(threads) thread(s); \(render.count) frames; \(KernelTarget.name) kernels")
        row("projection", projection)
        row("sort+binning", binning)
        row("compositing", compositing)
        row("render", render)
        row("encoding", encoding)
        let renderMedian = Self.median(render)
        let totalMedian = Self.median(zip(render, encoding).map { $0 + $1 })
        let fps = 1 / renderMedian
        Swift.print(String(format: "render: %.1f fps; render + %@ encode: %.1f fps (%d bytes/frame)",
                           fps, codec.description, 1 / totalMedian, encodedBytes))
        let json: [String: Any] = [
            "fps": (fps * 10).rounded() / 10,
            "fps_with_encoding": (1 / totalMedian * 10).rounded() / 10,
            "gaussians": gaussians, "visible": visible, "tile_instances": tileInstances,
            "width": camera.width, "height": camera.height, "threads": threads, "frames": render.count,
            "kernels": KernelTarget.name, "codec": codec.description, "encoded_bytes": encodedBytes,
            "projection_ms": ms(projection), "binning_ms": ms(binning), "compositing_ms": ms(compositing),
            "render_ms": ms(render), "encoding_ms": ms(encoding),
        ].merging(extra) { _, new in new }
        let data = try! JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        Swift.print(String(decoding: data, as: UTF8.self))
    }
}
