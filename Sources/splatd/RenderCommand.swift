import Animator
import ArgumentParser
import Foundation
import FrameEncoder
import Rasterizer
import SplatCore
import SplatIO

/// `splatd render`: one scene or avatar, one camera, one image file (or a folder of frames).
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a scene file or an animatable avatar to an image (.png, .jpg or .rgb) without a daemon.",
        discussion: """
            Scenes: --scene FILE (.ply or .splat), seen through --camera CAMERA.json.

            Avatars: --avatar demo (the built-in CC0 demo head, no files needed; also what is \
            rendered without --scene or --avatar), a GaussianAvatars \
            folder (point_cloud.ply + flame_param.npz) with --rig FLAME.npz (made from your own FLAME \
            model by clients/python/flame_to_npz.py), or a plain .ply/.splat (a static scene that \
            follows the head pose). Pose it with --params PARAMS.json: FLAME keys (expr, jaw_pose, \
            neck_pose, eyes_pose, rotation, translation, eyelids; any subset) or \
            {"arkit": {"jawOpen": 1, ...}, "rotation": [...]}. Any avatar takes either kind.

            Motion: --motion MOTION.npz (flame_param.npz keys) --out-dir DIR renders every frame as \
            DIR/frame-000000.png, frame-000001.png, …; --out-dir alone replays a GaussianAvatars \
            folder's own frames.

            Without --camera, avatars are seen from 1 m in front of the head centre (+z), 20° field \
            of view, 512×512, orbited by --yaw and --pitch as `splatctl open --yaw` does. GaussianAvatars avatars default to --convention inria on white (as \
            they were trained), the demo avatar to gsplat on grey, scenes to gsplat on black.
            """
    )

    @Option(name: .long, help: "Scene file: a 3DGS PLY (binary little-endian) or an antimatter15 .splat.")
    var scene: String?

    @Option(name: .long, help: "Avatar: 'demo' (the default without --scene), a GaussianAvatars folder (needs --rig), or a .ply/.splat.")
    var avatar: String?

    @Option(name: .long, help: "splatd FLAME rig file (npz) for GaussianAvatars avatars.")
    var rig: String?

    @Option(name: .long, help: "Avatar pose: PARAMS.json with FLAME keys or an \"arkit\" object.")
    var params: String?

    @Option(name: .long, help: "Motion npz (flame_param.npz keys) rendered frame by frame into --out-dir.")
    var motion: String?

    @Option(name: .customLong("out-dir"), help: "Folder for frame-000000.png … when replaying a motion.")
    var outDir: String?

    @Option(name: .long, help: "With --out-dir: render at most this many frames.")
    var count: Int?

    @Option(name: .long, help: "Camera JSON. Default: 512×512, 1 m in front of the head (or origin), 20° field of view.")
    var camera: String?

    @Option(name: .long, parsing: .unconditional, help: "Default avatar camera only: orbit it this many degrees about the head's up axis (positive: to the avatar's left).")
    var yaw: Float = 0

    @Option(name: .long, parsing: .unconditional, help: "Default avatar camera only: look down at the head by this many degrees (within ±89).")
    var pitch: Float = 0

    @Option(name: .long, help: "Output image; the codec follows the extension (.png, .jpg/.jpeg, .rgb/.raw).")
    var out: String = "splatd-render.png"

    @Option(name: .long, help: "Rendering semantics: gsplat or inria (default: the avatar's, else gsplat).")
    var convention: Convention?

    @Option(name: .long, help: "Background colour r,g,b in 0…1 (or 0…255) (default: the avatar's, else black).")
    var background: BackgroundColour?

    @Option(name: .long, help: "Codec override, e.g. png:6 or jpeg:90 (default: from the extension).")
    var codec: String?

    /// The avatar to render: `--avatar`, else the demo head unless `--scene` is given.
    var avatarPath: String? { avatar ?? (scene == nil ? "demo" : nil) }

    func validate() throws {
        if scene != nil && avatar != nil { throw ValidationError("give either --scene or --avatar, not both") }
        if scene != nil {
            for (flag, value) in [("--rig", rig), ("--params", params), ("--motion", motion), ("--out-dir", outDir)] where value != nil {
                throw ValidationError("\(flag) poses an avatar: give --avatar instead of --scene")
            }
        }
        if params != nil && motion != nil { throw ValidationError("give either --params or --motion, not both") }
        if motion != nil && outDir == nil { throw ValidationError("--motion renders every frame: give --out-dir DIR") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if count != nil && outDir == nil { throw ValidationError("--count limits the frames written to --out-dir: give --out-dir DIR") }
        if (yaw != 0 || pitch != 0) && (scene != nil || camera != nil) {
            throw ValidationError("--yaw/--pitch move the default avatar camera: give no --scene and no --camera")
        }
        guard yaw.isFinite else { throw ValidationError("--yaw must be a finite number of degrees") }
        guard pitch.isFinite, abs(pitch) < 89 else { throw ValidationError("--pitch must be within ±89°") }
    }

    mutating func run() throws {
        guard let scene else { return try renderAvatar(avatarPath ?? "demo") }
        let cloud: GaussianCloud
        do { cloud = try SceneFile.read(contentsOf: URL(fileURLWithPath: scene)) } catch {
            throw ValidationError("\(error)")
        }
        let cam = try camera.map { try CameraOptions.parse(["--camera", $0]).load() }
            ?? SyntheticScene.headCamera(width: 512, height: 512)
        let options = RenderOptions(convention: convention ?? .gsplat, background: background?.rgb ?? .zero)
        var output = try ImageOutput(codec: codec, fileName: out, camera: cam)
        let report = output.renderer.render(cloud, camera: cam, options: options, into: output.framebuffer)
        let bytes = try output.write(to: out)
        print("rendered \(cloud.count) Gaussians (\(report.visible) visible) at \(cam.width)×\(cam.height) in \(String(format: "%.1f", report.totalSeconds * 1000)) ms → \(out) (\(bytes) bytes, \(output.codec))")
    }

    private func renderAvatar(_ path: String) throws {
        var loadClock = Stopwatch()
        let avatar: Avatar
        do { avatar = try Avatar.load(path, rig: rig) } catch { throw ValidationError("\(error)") }
        let loadMs = loadClock.lap() * 1000
        let cam = try camera.map { try CameraOptions.parse(["--camera", $0]).load() }
            ?? Self.defaultCamera(for: avatar, yaw: yaw, pitch: pitch)
        let hints = avatar.renderHints
        let options = RenderOptions(convention: convention ?? Convention(rawValue: hints.convention.rawValue) ?? .gsplat,
                                    background: background?.rgb ?? hints.background)
        print("avatar \(avatar.name): \(avatar.kind.rawValue), \(avatar.gaussianCount) Gaussians, loaded in \(String(format: "%.0f", loadMs)) ms")

        if let outDir {
            let frames: FLAMEMotion
            if let motion {
                do { frames = try FLAMEMotion(contentsOf: URL(fileURLWithPath: motion)) } catch { throw ValidationError("\(error)") }
            } else if let own = avatar.motion {
                frames = own
            } else {
                throw ValidationError("--out-dir needs --motion MOTION.npz (this avatar has no motion of its own)")
            }
            try renderMotion(avatar, frames, into: outDir, camera: cam, options: options)
            return
        }

        let drive: AvatarDrive
        if let params {
            do { drive = try AvatarDrive(contentsOf: URL(fileURLWithPath: params)) } catch { throw ValidationError("\(error)") }
        } else {
            drive = .neutral
        }
        var cloud = avatar.makeCloud()
        let pose: PoseReport
        do { pose = try avatar.pose(drive, into: &cloud) } catch { throw ValidationError("\(error)") }
        var output = try ImageOutput(codec: codec, fileName: out, camera: cam)
        let report = output.renderer.render(cloud, camera: cam, options: options, into: output.framebuffer)
        let bytes = try output.write(to: out)
        print("posed in \(String(format: "%.2f", pose.totalSeconds * 1000)) ms, rendered \(report.visible) visible at \(cam.width)×\(cam.height) in \(String(format: "%.1f", report.totalSeconds * 1000)) ms → \(out) (\(bytes) bytes, \(output.codec))")
    }

    private func renderMotion(_ avatar: Avatar, _ motion: FLAMEMotion, into folder: String, camera: Camera,
                              options: RenderOptions) throws {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw ValidationError("cannot create \(folder): \(error.localizedDescription)")
        }
        let count = min(motion.frameCount, self.count ?? .max)
        var output = try ImageOutput(codec: codec, fileName: "frame.png", camera: camera)
        let fileExtension = output.codec.fileExtension
        var cloud = avatar.makeCloud()
        var parameters = FLAMEParameters()
        var poseTimes: [Double] = [], renderTimes: [Double] = []
        for t in 0..<count {
            motion.parameters(at: t, into: &parameters)
            do { poseTimes.append(try avatar.pose(.flame(parameters), into: &cloud).totalSeconds) } catch {
                throw ValidationError("\(motion.path): frame \(t): \(error)")
            }
            renderTimes.append(output.renderer.render(cloud, camera: camera, options: options, into: output.framebuffer).totalSeconds)
            _ = try output.write(to: (folder as NSString).appendingPathComponent(FrameFileName.name(index: t, fileExtension: fileExtension)))
        }
        func median(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.sorted()[v.count / 2] * 1000 }
        print("rendered \(count) frames of \(motion.path) → \(folder)/\(FrameFileName.name(index: 0, fileExtension: fileExtension)) … (median pose \(String(format: "%.2f", median(poseTimes))) ms, render \(String(format: "%.1f", median(renderTimes))) ms)")
    }

    /// 1 m in front of the avatar's head centre (+z), 20° vertical field of view, 512×512;
    /// optionally orbited by `yaw` degrees about +y and raised by `pitch` degrees.
    static func defaultCamera(for avatar: Avatar, yaw: Float = 0, pitch: Float = 0) throws -> Camera {
        let a = yaw * .pi / 180, b = pitch * .pi / 180
        let direction = SIMD3<Float>(sin(a) * cos(b), sin(b), cos(a) * cos(b))
        return try Camera.lookAt(eye: avatar.focus + direction, target: avatar.focus, up: [0, 1, 0], fovY: 20, width: 512, height: 512)
    }
}

/// A renderer, framebuffer and encoder for one image size, reused across frames.
struct ImageOutput {
    let renderer = Renderer()
    let framebuffer: Framebuffer
    let codec: FrameCodec
    var encoder: any FrameEncoding
    let width: Int, height: Int

    init(codec override: String?, fileName: String, camera: Camera) throws {
        do { codec = try override.map { try FrameCodec(parsing: $0) } ?? FrameCodec(forFileName: fileName) } catch {
            throw ValidationError("\(error)")
        }
        encoder = try makeEncoder(for: codec)
        framebuffer = Framebuffer(width: camera.width, height: camera.height)
        width = camera.width
        height = camera.height
    }

    /// Encodes the framebuffer and writes it; returns the byte count.
    mutating func write(to path: String) throws -> Int {
        let bytes = try encoder.encode(framebuffer.rgb8, width: width, height: height, layout: .rgb8)
        do { try Data(bytes).write(to: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("cannot write \(path): \(error.localizedDescription)")
        }
        return bytes.count
    }
}
