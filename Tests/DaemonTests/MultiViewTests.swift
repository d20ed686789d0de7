import Daemon
import Foundation
import SplatProtocol
import XCTest
import ZeroMQ

/// Streams of several views of one animation state: a camera rig, and either layout (side by
/// side in one image, or one image per view in one message).
final class MultiViewTests: XCTestCase {
    /// A camera `depth` metres in front of the origin, looking at it along +z, its centre
    /// `offset` metres along x: the origin lands `fx · offset / depth` pixels left of `cx`.
    static func camera(offset: Float, depth: Float = 0.5, side: Int = 64, fx: Float = 64) -> Splatd_V1_Camera {
        .with {
            $0.fx = fx; $0.fy = fx; $0.cx = Float(side) / 2; $0.cy = Float(side) / 2
            $0.worldToCamera = [1, 0, 0, -offset, 0, 1, 0, 0, 0, 0, 1, depth, 0, 0, 0, 1]
        }
    }

    /// Each camera of a three-camera rig shows the point where the pinhole model puts it, in
    /// its own image (LAYOUT_VIEWS) and in its third of a side-by-side frame; new cameras sent
    /// with `update_stream` move it.
    func testEachCameraOfARigSeesThePointWhereThePinholeModelPutsIt() throws {
        let scene = try PointScene()
        let d = try DaemonHarness { $0.loadDemo = false }
        try d.ok { $0.loadAvatar = .with { $0.avatarID = "point"; $0.path = scene.path } }
        let side = 64, fx: Float = 64, depth: Float = 0.5
        let offsets: [Float] = [-0.05, 0, 0.08]
        let opened = try d.ok {
            $0.openStream = .with {
                $0.streamID = "rig"; $0.avatarID = "point"; $0.codec = .raw
                $0.width = UInt32(offsets.count * side); $0.height = UInt32(side)
                $0.background = .with { $0.x = 0; $0.y = 0; $0.z = 0 }
                $0.cameraRig = .with { $0.cameras = offsets.map { Self.camera(offset: $0) } }
                $0.layout = .views
            }
        }.stream
        XCTAssertEqual(opened.views.cameras.count, 3, "the reply lists every view's camera")
        XCTAssertEqual(opened.layout, .views)

        let sub = try d.subscriber([Topic.frames("rig")])
        let frame = try XCTUnwrap(sub.nextFrame(topic: Topic.frames("rig")))
        XCTAssertEqual(frame.meta.views, 3)
        XCTAssertEqual(frame.images.count, 3, "one image per view in one message")
        XCTAssertEqual(frame.meta.width, UInt32(side), "the meta gives one view's size")
        let centre = Float(side) / 2
        for (view, offset) in offsets.enumerated() {
            XCTAssertEqual(frame.images[view].count, side * side * 3)
            let column = PointScene.column(frame.images[view], width: side, height: side, from: 0, to: side)
            XCTAssertEqual(column, centre - fx * offset / depth, accuracy: 0.5, "view \(view)")
        }

        // The same views side by side, and cameras moved live (a tracked rig, a VR head).
        let moved: [Float] = [0.02, -0.04, 0.06]
        try d.ok {
            $0.updateStream = .with {
                $0.streamID = "rig"; $0.layout = .sideBySide
                $0.cameraRig = .with { $0.cameras = moved.map { Self.camera(offset: $0) } }
            }
        }
        var whole: ReceivedFrame?
        for _ in 0..<30 {
            let f = try XCTUnwrap(sub.nextFrame(topic: Topic.frames("rig")))
            if f.images.count == 1 { whole = f; break }
        }
        let frameSideBySide = try XCTUnwrap(whole, "the stream went side by side")
        XCTAssertEqual(frameSideBySide.meta.views, 0)
        XCTAssertEqual(frameSideBySide.meta.width, UInt32(3 * side))
        for (view, offset) in moved.enumerated() {
            let column = PointScene.column(frameSideBySide.image, width: 3 * side, height: side, from: view * side, to: (view + 1) * side)
            XCTAssertEqual(column, centre - fx * offset / depth, accuracy: 0.5, "view \(view) after the move")
        }
    }

    /// A stereo pair as two H.264 streams in one message: each view decodes on its own in FFmpeg
    /// from the first message on, keyframes come together, and the eyes differ.
    func testStereoViewsAreTwoH264StreamsThatDecodeOnTheirOwn() throws {
        let d = try DaemonHarness()
        try d.ok {
            $0.openStream = .with {
                $0.streamID = "vr"; $0.avatarID = "demo"; $0.codec = .h264; $0.width = 256; $0.height = 128
                $0.gopSeconds = 60; $0.stereo = .init(); $0.layout = .views
            }
        }
        let sub = try d.subscriber([Topic.frames("vr")])
        var frames: [ReceivedFrame] = []
        while frames.count < 12, let f = try sub.nextFrame(topic: Topic.frames("vr")) { frames.append(f) }
        XCTAssertEqual(frames.count, 12)
        XCTAssertTrue(frames.allSatisfy { $0.images.count == 2 && $0.meta.views == 2 && $0.meta.width == 128 })
        XCTAssertTrue(frames[0].meta.keyframe, "a new viewer's first frame is a keyframe in both views")
        XCTAssertEqual(frames.filter(\.meta.keyframe).count, 1)
        let left = try H264StreamTests.decode(frames.flatMap { $0.images[0] }, width: 128, height: 128)
        let right = try H264StreamTests.decode(frames.flatMap { $0.images[1] }, width: 128, height: 128)
        XCTAssertEqual(left.count, frames.count, "every left-eye frame decodes")
        XCTAssertEqual(right.count, frames.count, "every right-eye frame decodes")
        XCTAssertLessThan(H264StreamTests.psnr(left[0], right[0]), 40, "the eyes see the head from two places")
    }

    func testBadRigsAndLayoutsAreRefusedWithTheReason() throws {
        let d = try DaemonHarness()
        func refused(_ text: String, _ body: @escaping (inout Splatd_V1_OpenStream) -> Void) throws {
            let reply = try d.request { $0.openStream = .with { $0.avatarID = "demo"; $0.width = 192; $0.height = 64; body(&$0) } }
            XCTAssertEqual(reply.status, .invalidRequest, text)
            XCTAssertTrue(reply.error.contains(text), "\(reply.error) should say \(text)")
        }
        try refused("a rig has 2…16") { $0.cameraRig = .with { $0.cameras = [Self.camera(offset: 0)] } }
        try refused("a rig has 2…16") { $0.cameraRig = .with { $0.cameras = Array(repeating: Self.camera(offset: 0), count: 17) } }
        try refused("exclude each other") { $0.stereo = .init(); $0.cameraRig = .with { $0.cameras = [Self.camera(offset: 0), Self.camera(offset: 0.1)] } }
        try refused("must divide by 2") { $0.width = 191; $0.stereo = .init() }
        try refused("must divide by 4") { $0.width = 190; $0.cameraRig = .with { $0.cameras = Array(repeating: Self.camera(offset: 0), count: 4) } }
        try refused("camera_rig.cameras[1].world_to_camera must hold 16 values") {
            var broken = Self.camera(offset: 0)
            broken.worldToCamera.removeLast()
            $0.cameraRig = .with { $0.cameras = [Self.camera(offset: 0), broken, Self.camera(offset: 0.1)] }
        }
        try refused("camera_rig.cameras[0].world_to_camera holds NaN") {
            var broken = Self.camera(offset: 0)
            broken.worldToCamera[3] = .nan
            $0.cameraRig = .with { $0.cameras = [broken, Self.camera(offset: 0.1), Self.camera(offset: 0.2)] }
        }
        try refused("unknown layout") { $0.layout = .UNRECOGNIZED(7) }
        try refused("H.264 needs an even width and height, got 65×64 per view") { $0.width = 195; $0.codec = .h264; $0.layout = .views
            $0.cameraRig = .with { $0.cameras = Array(repeating: Self.camera(offset: 0, side: 65), count: 3) } }
        // The daemon still serves.
        try d.ok { $0.openStream = .with { $0.streamID = "fine"; $0.avatarID = "demo"; $0.width = 64; $0.height = 64 } }
    }
}
