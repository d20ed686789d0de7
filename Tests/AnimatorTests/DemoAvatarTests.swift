import Animator
import Foundation
import Rasterizer
import SplatIO
import XCTest

/// The generated demo avatar: size, determinism, a closed surface, and a jaw that only
/// changes the mouth region of the image.
final class DemoAvatarTests: XCTestCase {
    static let avatar: Avatar = try! DemoAvatar.make()

    static func render(_ drive: AvatarDrive) throws -> (Framebuffer, Camera) {
        let avatar = Self.avatar
        var cloud = avatar.makeCloud()
        try avatar.pose(drive, into: &cloud)
        let camera = try Camera.lookAt(eye: avatar.focus + SIMD3(0, 0, 1), target: avatar.focus, fovY: 20, width: 512, height: 512)
        let framebuffer = Framebuffer(width: 512, height: 512)
        Renderer().render(cloud, camera: camera, options: RenderOptions(convention: .gsplat, background: SIMD3(repeating: 0.32)),
                          into: framebuffer)
        return (framebuffer, camera)
    }

    /// Pixel (column, row) of a head-space point seen by `camera`.
    static func project(_ p: SIMD3<Float>, _ camera: Camera) -> SIMD2<Float> {
        let c = camera.worldToCamera.apply(p)
        return SIMD2(camera.fx * c.x / c.z + camera.cx, camera.fy * c.y / c.z + camera.cy)
    }

    func testSizeAndDeterminism() throws {
        let avatar = Self.avatar
        XCTAssertGreaterThanOrEqual(avatar.gaussianCount, 50_000)
        XCTAssertEqual(avatar.kind, .blendshape)
        let start = Date()
        let again = try DemoAvatar.generate(on: BlendshapeRig.demoHead(), gaussianCount: DemoAvatar.defaultGaussianCount,
                                            seed: DemoAvatar.defaultSeed)
        print("demo avatar generation: \(Int(Date().timeIntervalSince(start) * 1000)) ms for \(again.count) Gaussians")
        let first = try XCTUnwrap(avatar.boundGaussians)
        XCTAssertEqual(again.faces, first.faces)
        XCTAssertEqual(again.barycentric, first.barycentric)
        XCTAssertEqual(again.sh, first.sh)
        XCTAssertEqual(again.scales, first.scales)
        let other = try DemoAvatar.generate(on: BlendshapeRig.demoHead(), gaussianCount: 60_000, seed: 99)
        XCTAssertNotEqual(other.sh, first.sh)
        XCTAssertEqual(Double(other.count), 60_000, accuracy: 600)
    }

    /// The face, seen from the default camera, is opaque: no see-through gaps (a handful of
    /// pixels in the thin lid margins may let a few percent through).
    func testSurfaceIsClosed() throws {
        let (image, camera) = try Self.render(.neutral)
        let rig = try BlendshapeRig.demoHead()
        // From between the eyes to the chin, between the cheeks.
        let top = Self.project(SIMD3(0, 0.03, 0.1), camera).y, bottom = Self.project(SIMD3(0, -0.1, 0.1), camera).y
        let left = Self.project(rig.eyeCentres[1] - SIMD3(0.01, 0, 0), camera).x
        let right = Self.project(rig.eyeCentres[0] + SIMD3(0.01, 0, 0), camera).x
        var worst: Float = 1, at = (0, 0), below = 0
        for row in Int(top)..<Int(bottom) {
            for column in Int(left)..<Int(right) {
                let a = image.alpha[row * 512 + column]
                if a < worst { worst = a; at = (row, column) }
                if a < 0.99 { below += 1 }
            }
        }
        let total = (Int(bottom) - Int(top)) * (Int(right) - Int(left))
        XCTAssertGreaterThan(worst, 0.9, "no see-through gaps (lowest alpha \(worst) at row \(at.0), column \(at.1))")
        XCTAssertLessThan(Double(below) / Double(total), 0.005, "\(below) of \(total) face pixels have alpha below 0.99")
    }

    /// jawOpen = 1 changes only pixels in the lower-central part of the face (mouth, chin, jaw).
    func testJawOpenChangesOnlyTheMouthRegion() throws {
        let (neutral, camera) = try Self.render(.neutral)
        let (open, _) = try Self.render(.arkit(ARKitParameters(named: ["jawOpen": 1])))
        var minRow = Int.max, maxRow = -1, minColumn = Int.max, maxColumn = -1, changed = 0
        for row in 0..<512 {
            for column in 0..<512 {
                let i = (row * 512 + column) * 3
                let d = (0..<3).map { abs(Int(neutral.rgb8[i + $0]) - Int(open.rgb8[i + $0])) }.max()!
                if d > 24 {
                    changed += 1
                    minRow = min(minRow, row); maxRow = max(maxRow, row)
                    minColumn = min(minColumn, column); maxColumn = max(maxColumn, column)
                }
            }
        }
        XCTAssertGreaterThan(changed, 500, "the open mouth should change the image")
        let rig = try BlendshapeRig.demoHead()
        let eyes = Self.project(rig.eyeCentres[0], camera)
        let nose = Self.project(SIMD3(0, -0.035, 0.115), camera)  // below the nose tip
        // The angles of the jaw.
        let leftCheek = Self.project(SIMD3(-0.068, -0.06, 0.03), camera).x
        let rightCheek = Self.project(SIMD3(0.068, -0.06, 0.03), camera).x
        print("changed pixels: rows \(minRow)…\(maxRow), columns \(minColumn)…\(maxColumn); eyes at row \(eyes.y), nose \(nose.y)")
        XCTAssertGreaterThan(Float(minRow), eyes.y + 20, "changes must lie below the eyes")
        XCTAssertGreaterThan(Float(minRow), nose.y - 15, "changes must start around the nose base or lower")
        XCTAssertGreaterThanOrEqual(Float(minColumn), leftCheek, "changes must stay between the angles of the jaw")
        XCTAssertLessThanOrEqual(Float(maxColumn), rightCheek, "changes must stay between the angles of the jaw")
    }

    func testOpenMouthShowsTeethAndInterior() throws {
        let (image, camera) = try Self.render(.arkit(ARKitParameters(named: ["jawOpen": 1])))
        // The centre of the open mouth is opaque and dark red / white, never the background.
        let centre = Self.project(SIMD3(0, -0.072, 0.1), camera)
        let i = Int(centre.y) * 512 + Int(centre.x)
        XCTAssertGreaterThan(image.alpha[i], 0.99)
        let rgb = (0..<3).map { image.rgb8[3 * i + $0] }
        XCTAssertGreaterThan(rgb[0], rgb[2], "mouth interior should be reddish, got \(rgb)")
    }
}

/// `Avatar.load("demo", …)` honours its limits and thread count (it used to drop both).
final class DemoAvatarLoadArgumentsTests: XCTestCase {
    func testLoadPassesLimitsAndThreadsToTheDemo() throws {
        let limits = DriveLimits(expression: 3, jawAngle: 0.5, neckAngle: 0.7, eyeAngle: 0.4, translation: 2)
        let byPath = try Avatar.load("demo", rig: nil as String?, limits: limits, threads: 1)
        XCTAssertEqual(byPath.limits, limits)
        XCTAssertEqual(byPath.threadCount, 1)
        let byRig = try Avatar.load("demo", rig: nil as FLAMERig?, limits: .none, threads: 1)
        XCTAssertEqual(byRig.limits, DriveLimits.none)
        XCTAssertEqual(byRig.threadCount, 1)
    }
}
