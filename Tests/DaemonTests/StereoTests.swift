import Daemon
import Foundation
import SplatIO
import SplatProtocol
import XCTest
import ZeroMQ

/// Stereo streams: two eyes of one animation state, side by side in each frame.
final class StereoTests: XCTestCase {
    /// One bright Gaussian at the origin (the scene's centre, so the idle sway of a static
    /// scene turns it about itself), seen from 0.5 m by a pinhole camera of known intrinsics:
    /// each eye must show it where the pinhole model puts it, `fx · ipd / z` pixels apart.
    func testEachEyeSeesThePointWhereThePinholeModelPutsIt() throws {
        let scene = try PointScene()
        let d = try DaemonHarness { $0.loadDemo = false }
        try d.ok { $0.loadAvatar = .with { $0.avatarID = "point"; $0.path = scene.path } }
        let (eye, depth, ipd, fx): (Int, Float, Float, Float) = (64, 0.5, 0.063, 64)
        let opened = try d.ok {
            $0.openStream = .with {
                $0.streamID = "vr"; $0.avatarID = "point"; $0.codec = .raw
                $0.width = UInt32(2 * eye); $0.height = UInt32(eye)
                $0.background = .with { $0.x = 0; $0.y = 0; $0.z = 0 }
                $0.camera = .with {
                    $0.fx = fx; $0.fy = fx; $0.cx = Float(eye) / 2; $0.cy = Float(eye) / 2
                    $0.worldToCamera = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, depth, 0, 0, 0, 1]
                }
                $0.stereo = .with { $0.ipdM = ipd }
            }
        }.stream
        XCTAssertEqual(opened.stereo.ipdM, ipd)

        let sub = try d.subscriber([Topic.frames("vr")])
        let frame = try XCTUnwrap(sub.nextFrame(topic: Topic.frames("vr")))
        XCTAssertEqual(frame.meta.width, UInt32(2 * eye))
        XCTAssertEqual(frame.image.count, 2 * eye * eye * 3)
        let left = PointScene.column(frame.image, width: 2 * eye, height: eye, from: 0, to: eye)
        let right = PointScene.column(frame.image, width: 2 * eye, height: eye, from: eye, to: 2 * eye)
        let centre = Float(eye) / 2
        // The left eye sits ipd/2 to the left: the point appears right of centre, and vice versa.
        XCTAssertEqual(left, centre + fx * ipd / 2 / depth, accuracy: 0.5)
        XCTAssertEqual(right, centre - fx * ipd / 2 / depth, accuracy: 0.5)
        XCTAssertEqual(left - right, fx * ipd / depth, accuracy: 0.5, "disparity")
    }

    func testStereoSettingsAreCheckedAndCanBeTurnedOff() throws {
        let d = try DaemonHarness()
        for (width, ipd) in [(UInt32(511), Float(0.063)), (UInt32(512), Float(0.5)), (UInt32(16), Float(0.063)), (UInt32(512), Float.nan)] {
            let reply = try d.request {
                $0.openStream = .with { $0.avatarID = "demo"; $0.width = width; $0.height = 256; $0.stereo = .with { $0.ipdM = ipd } }
            }
            XCTAssertEqual(reply.status, .invalidRequest, "width \(width) ipd \(ipd): \(reply)")
        }
        let opened = try d.ok { $0.openStream = .with { $0.streamID = "vr"; $0.avatarID = "demo"; $0.width = 256; $0.height = 128; $0.stereo = .init() } }.stream
        XCTAssertEqual(opened.stereo.ipdM, 0.063, accuracy: 1e-6, "the default IPD")
        XCTAssertEqual(opened.camera.cx, 64, "the head camera has one eye's size")
        let mono = try d.ok { $0.updateStream = .with { $0.streamID = "vr"; $0.mono = true } }.stream
        XCTAssertFalse(mono.hasStereo)
        XCTAssertEqual(mono.camera.cx, 128)
        let sub = try d.subscriber([Topic.frames("vr")])
        XCTAssertNotNil(try sub.nextFrame(topic: Topic.frames("vr")))
    }
}

extension StereoTests {
    /// A VR client moves the view many times a second: an H.264 stream goes on without a
    /// keyframe per update (the encoder and buffers are kept, only the cameras change).
    func testMovingTheViewKeepsTheEncoder() throws {
        let d = try DaemonHarness()
        try d.ok { $0.openStream = .with { $0.streamID = "vr"; $0.avatarID = "demo"; $0.codec = .h264; $0.width = 256; $0.height = 128
                                           $0.fps = 30; $0.gopSeconds = 60; $0.stereo = .init() } }
        let sub = try d.subscriber([Topic.frames("vr")])
        XCTAssertTrue(try XCTUnwrap(sub.nextFrame(topic: Topic.frames("vr"))).meta.keyframe, "the first frame is a keyframe")
        var keyframes = 0, frames = 0
        for k in 1...20 {
            try d.ok { $0.updateStream = .with { $0.streamID = "vr"; $0.orbit = .with { $0.yawDegrees = Float(k) } } }
            let frame = try XCTUnwrap(sub.nextFrame(topic: Topic.frames("vr")))
            frames += 1
            if frame.meta.keyframe { keyframes += 1 }
        }
        XCTAssertEqual(frames, 20)
        XCTAssertLessThanOrEqual(keyframes, 1, "moving the view restarted the encoder")
    }
}
