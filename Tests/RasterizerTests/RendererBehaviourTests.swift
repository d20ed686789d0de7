import Foundation
import Rasterizer
import RasterizerKernels
import SplatIO
import XCTest

/// Properties of the renderer that hold for any scene.
final class RendererBehaviourTests: XCTestCase {
    private let scene = SyntheticScene.headShell(count: 3000, seed: 7)

    private func render(_ cloud: GaussianCloud, _ camera: Camera, threads: Int = 2,
                        options: RenderOptions = RenderOptions()) -> Framebuffer {
        let fb = Framebuffer(width: camera.width, height: camera.height)
        Renderer(threadCount: threads).render(cloud, camera: camera, options: options, into: fb)
        return fb
    }

    func testThreadCountDoesNotChangeTheImage() throws {
        let camera = try SyntheticScene.headCamera(width: 200, height: 120)
        let one = render(scene, camera, threads: 1)
        let three = render(scene, camera, threads: 3)
        XCTAssertEqual(one.color, three.color)
        XCTAssertEqual(one.alpha, three.alpha)
        XCTAssertGreaterThan(one.alpha.max()!, 0.9, "the head is visible")
    }

    /// The 8-bit image is the float colour rounded, pixel by pixel, also in the tiles cut by the
    /// image's edges (203 × 117: neither side a multiple of a tile or of 8 pixels).
    func testTheEightBitImageIsTheColourRounded() throws {
        let camera = try SyntheticScene.headCamera(width: 203, height: 117)
        let fb = render(scene, camera, options: RenderOptions(background: [0.1, 0.7, 0.35]))
        XCTAssertEqual(fb.rgb8.count, 203 * 117 * 3)
        XCTAssertEqual(fb.rgb8, fb.color.map(quantise))
        XCTAssertGreaterThan(Set(fb.rgb8).count, 100, "a picture, not a flat colour")
    }

    func testRendererReuseGivesIdenticalFrames() throws {
        let camera = try SyntheticScene.headCamera(width: 128, height: 128)
        let renderer = Renderer()
        let a = Framebuffer(width: 128, height: 128), b = Framebuffer(width: 128, height: 128)
        renderer.render(scene, camera: camera, into: a)
        renderer.render(SyntheticScene.headShell(count: 500, seed: 3), camera: camera, into: b)
        renderer.render(scene, camera: camera, into: b)
        XCTAssertEqual(a.rgb8, b.rgb8)
    }

    func testEmptySceneIsBackground() throws {
        let camera = try SyntheticScene.headCamera(width: 33, height: 17)
        let fb = render(GaussianCloud(), camera, options: RenderOptions(background: [0.2, 0.4, 1]))
        XCTAssertEqual(Array(fb.rgb8.prefix(3)), [51, 102, 255])
        XCTAssertEqual(fb.alpha.max(), 0)
    }

    func testGaussiansBehindTheCameraAreCulled() throws {
        let camera = try SyntheticScene.headCamera(width: 64, height: 64)
        // Mirror the scene behind the camera (camera at z = +1 looking toward −z).
        var behind = scene
        behind.positions = behind.positions.map { SIMD3($0.x, $0.y, 2 + $0.z) }
        let report = Renderer().render(behind, camera: camera, into: Framebuffer(width: 64, height: 64))
        XCTAssertEqual(report.visible, 0)
    }

    /// Moving the principal point by one tile moves the image by one tile.
    func testOffCentrePrincipalPointShiftsTheImage() throws {
        let base = try SyntheticScene.headCamera(width: 160, height: 96)
        let shifted = try Camera(width: 176, height: 96, fx: base.fx, fy: base.fy, cx: base.cx + 16, cy: base.cy,
                                 worldToCamera: base.worldToCamera)
        let a = render(scene, base), b = render(scene, shifted)
        var maxDifference = 0
        for y in 0..<96 {
            for x in 0..<160 {
                for c in 0..<3 {
                    let d = abs(Int(a.rgb8[(y * 160 + x) * 3 + c]) - Int(b.rgb8[(y * 176 + x + 16) * 3 + c]))
                    maxDifference = max(maxDifference, d)
                }
            }
        }
        XCTAssertLessThanOrEqual(maxDifference, 1)
        XCTAssertEqual(b.alpha[0..<16].max(), 0, "the new columns on the left are empty")
    }

    func testConventionsDifferOnlySlightly() throws {
        let camera = try SyntheticScene.headCamera(width: 128, height: 128)
        let g = render(scene, camera, options: RenderOptions(convention: .gsplat))
        let i = render(scene, camera, options: RenderOptions(convention: .inria))
        let diff = zip(g.color, i.color).map { abs($0 - $1) }
        XCTAssertGreaterThan(diff.max()!, 0, "the conventions are not identical")
        XCTAssertLessThan(diff.reduce(0, +) / Float(diff.count), 0.01)
    }

    func testBackgroundShowsThroughByTransmittance() throws {
        let camera = try SyntheticScene.headCamera(width: 96, height: 96)
        let black = render(scene, camera), white = render(scene, camera, options: RenderOptions(background: [1, 1, 1]))
        for p in stride(from: 0, to: 96 * 96, by: 37) {
            let expected = black.color[3 * p] + (1 - black.alpha[p])
            XCTAssertEqual(white.color[3 * p], expected, accuracy: 1e-5)
        }
    }
}
