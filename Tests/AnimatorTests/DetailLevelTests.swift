import Animator
import Foundation
import Rasterizer
import SplatIO
import XCTest

/// Levels of detail: a reduced demo head renders within 35 dB PSNR of the full one at the
/// sizes it is chosen for, has far fewer Gaussians, and still follows the rig.
final class DetailLevelTests: XCTestCase {
    static let levels: DetailLevels = try! DetailLevels(DemoAvatarTests.avatar)

    /// `avatar` posed by `drive`, seen from 1 m in front with a 20° field of view (the daemon's
    /// default camera) at `size`².
    static func render(_ avatar: Avatar, _ drive: AvatarDrive = .neutral, size: Int) throws -> Framebuffer {
        var cloud = avatar.makeCloud()
        try avatar.pose(drive, into: &cloud)
        let camera = try camera(avatar, size: size)
        let framebuffer = Framebuffer(width: size, height: size)
        Renderer().render(cloud, camera: camera, options: RenderOptions(convention: .gsplat, background: SIMD3(repeating: 0.32)),
                          into: framebuffer)
        return framebuffer
    }

    static func camera(_ avatar: Avatar, size: Int) throws -> Camera {
        try Camera.lookAt(eye: avatar.focus + SIMD3(0, 0, 1), target: avatar.focus, fovY: 20, width: size, height: size)
    }

    static func psnr(_ a: [UInt8], _ b: [UInt8]) -> Double {
        var sum = 0.0
        for i in a.indices { let d = Double(a[i]) - Double(b[i]); sum += d * d }
        return 10 * log10(255 * 255 / max(sum / Double(a.count), 1e-12))
    }

    /// The level the daemon would choose at `size`² from 1 m.
    static func chosen(size: Int) throws -> Avatar {
        let camera = try camera(levels.full, size: size)
        return levels.avatar(forPixelSize: 1 / camera.fy)
    }

    func testLevelsShrinkAndRenderWithin35dBWhereChosen() throws {
        let levels = Self.levels
        XCTAssertFalse(levels.levels.isEmpty)
        print("demo head: \(levels.full.gaussianCount) Gaussians; levels: "
              + levels.levels.map { String(format: "%.2f mm → %d", $0.cellSize * 1000, $0.avatar.gaussianCount) }.joined(separator: ", "))
        for (a, b) in zip(levels.levels, levels.levels.dropFirst()) {
            XCTAssertLessThanOrEqual(b.avatar.gaussianCount * 4, a.avatar.gaussianCount * 3, "each level has at most 3/4 of the one before")
        }
        for size in [128, 256] {
            let level = try Self.chosen(size: size)
            let full = try Self.render(levels.full, size: size)
            let reduced = try Self.render(level, size: size)
            let quality = Self.psnr(full.rgb8, reduced.rgb8)
            print(String(format: "%d²: %d of %d Gaussians, PSNR %.1f dB against the full avatar", size, level.gaussianCount,
                         levels.full.gaussianCount, quality))
            XCTAssertLessThan(level.gaussianCount * 2, levels.full.gaussianCount, "\(size)² renders under half the Gaussians")
            XCTAssertGreaterThanOrEqual(quality, 35, "\(size)²")
        }
        // At 512² and above the full avatar (or a level within the bound) is used.
        let big = try Self.chosen(size: 512)
        let quality = Self.psnr(try Self.render(levels.full, size: 512).rgb8, try Self.render(big, size: 512).rgb8)
        print(String(format: "512²: %d Gaussians, PSNR %.1f dB", big.gaussianCount, quality))
        XCTAssertGreaterThanOrEqual(quality, 35)
    }

    /// The rule that picks a level holds for sparser and denser avatars too (bigger and smaller
    /// Gaussians, so other cell sizes).
    func testOtherDensitiesStayWithin35dB() throws {
        for count in [30_000, 150_000] {
            let avatar = try DemoAvatar.make(gaussianCount: count)
            let levels = try DetailLevels(avatar)
            XCTAssertFalse(levels.levels.isEmpty, "\(count) Gaussians")
            for size in [128, 256, 512] {
                let camera = try Self.camera(avatar, size: size)
                let level = levels.avatar(forPixelSize: 1 / camera.fy)
                let quality = Self.psnr(try Self.render(avatar, size: size).rgb8, try Self.render(level, size: size).rgb8)
                print(String(format: "%d Gaussians at %d²: %d rendered, %.1f dB", count, size, level.gaussianCount, quality))
                XCTAssertGreaterThanOrEqual(quality, 35, "\(count) Gaussians at \(size)²")
            }
        }
    }

    /// The reduced head still follows the rig: with the jaw open, the level chosen at 256² shows
    /// the open mouth where the full head does (the merged Gaussians of the lower lip and chin
    /// went down with the jaw instead of staying at the closed mouth).
    func testAReducedHeadFollowsTheJaw() throws {
        let level = try Self.chosen(size: 256)
        XCTAssertLessThan(level.gaussianCount, Self.levels.full.gaussianCount)
        let open = AvatarDrive.arkit(try ARKitParameters(named: ["jawOpen": 1]))
        let fullOpen = try Self.render(Self.levels.full, open, size: 256)
        let reducedOpen = try Self.render(level, open, size: 256)
        let reducedClosed = try Self.render(level, size: 256)
        let matchOpen = Self.psnr(fullOpen.rgb8, reducedOpen.rgb8)
        let matchClosed = Self.psnr(fullOpen.rgb8, reducedClosed.rgb8)
        print(String(format: "jaw open, 256²: reduced vs full %.1f dB (the closed reduced head: %.1f dB)", matchOpen, matchClosed))
        XCTAssertGreaterThanOrEqual(matchOpen, 33)
        XCTAssertGreaterThan(matchOpen, matchClosed + 3, "the reduced head's mouth opened like the full one's")
        // The middle of the open mouth is the mouth's dark red interior, not skin or background.
        let camera = try Self.camera(level, size: 256)
        let c = camera.worldToCamera.apply(SIMD3(0, -0.072, 0.1))
        let i = Int(camera.fy * c.y / c.z + camera.cy) * 256 + Int(camera.fx * c.x / c.z + camera.cx)
        XCTAssertGreaterThan(reducedOpen.alpha[i], 0.95)
        XCTAssertGreaterThan(reducedOpen.rgb8[3 * i], reducedOpen.rgb8[3 * i + 2])
        XCTAssertLessThan(Int(reducedOpen.rgb8[3 * i]) + 40, Int(reducedClosed.rgb8[3 * i]), "darker than the closed lips")
    }

    /// Small avatars and static scenes are rendered in full.
    func testSmallAvatarsAndStaticScenesHaveNoLevels() throws {
        XCTAssertTrue(try DetailLevels(DemoAvatar.make(gaussianCount: 1000)).levels.isEmpty)
        let scene = DemoAvatarTests.avatar.makeCloud()
        let levels = try DetailLevels(Avatar(rigidScene: scene, name: "scene"))
        XCTAssertTrue(levels.levels.isEmpty)
        XCTAssert(levels.avatar(forPixelSize: 0.01) === levels.full)
    }
}
