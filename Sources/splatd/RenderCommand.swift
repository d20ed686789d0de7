import ArgumentParser
import FrameEncoder
import Foundation
import Rasterizer
import SplatIO

/// `splatd render`: one scene, one camera, one image file.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a scene file (.ply or .splat) to an image (.png, .jpg or .rgb)."
    )

    @Option(name: .long, help: "Scene file: a 3DGS PLY (binary little-endian) or an antimatter15 .splat. Default: the bundled sample scene.")
    var scene: String?

    @Option(name: .long, help: "Camera JSON. Default: 512×512, 1 m in front of the origin, 20° field of view.")
    var camera: String?

    @Option(name: .long, help: "Output image; the codec follows the extension (.png, .jpg/.jpeg, .rgb/.raw).")
    var out: String = "splatd-render.png"

    @Option(name: .long, help: "Rendering semantics: gsplat or inria.")
    var convention: Convention = .gsplat

    @Option(name: .long, help: "Background colour r,g,b in 0…1 (or 0…255).")
    var background: BackgroundColour = BackgroundColour(rgb: .zero)

    @Option(name: .long, help: "Codec override, e.g. png:6 or jpeg:90 (default: from the extension).")
    var codec: String?

    mutating func run() throws {
        let cloud: GaussianCloud
        if let scene {
            do { cloud = try SceneFile.read(contentsOf: URL(fileURLWithPath: scene)) } catch {
                throw ValidationError("\(error)")
            }
        } else {
            cloud = SyntheticScene.headShell(count: 50_000)
        }
        let cam = try camera.map { try CameraOptions.parse(["--camera", $0]).load() }
            ?? SyntheticScene.headCamera(width: 512, height: 512)
        let codecValue: FrameCodec
        do { codecValue = try codec.map { try FrameCodec(parsing: $0) } ?? FrameCodec(forFileName: out) } catch {
            throw ValidationError("\(error)")
        }

        let framebuffer = Framebuffer(width: cam.width, height: cam.height)
        let report = Renderer().render(cloud, camera: cam, options: RenderOptions(convention: convention, background: background.rgb),
                                       into: framebuffer)
        var encoder = try makeEncoder(for: codecValue)
        let bytes = try encoder.encode(framebuffer.rgb8, width: cam.width, height: cam.height, layout: .rgb8)
        let url = URL(fileURLWithPath: out)
        do { try Data(bytes).write(to: url) } catch {
            throw ValidationError("cannot write \(out): \(error.localizedDescription)")
        }
        print("rendered \(cloud.count) Gaussians (\(report.visible) visible) at \(cam.width)×\(cam.height) in \(String(format: "%.1f", report.totalSeconds * 1000)) ms → \(url.path) (\(bytes.count) bytes, \(codecValue))")
    }
}
