import Foundation
import Rasterizer
import XCTest

final class CameraTests: XCTestCase {
    private func camera(_ json: String) throws -> Camera { try Camera(json: Data(json.utf8), path: "cam.json") }

    private let identity = "[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]"

    func testParsesTheFixtureLayout() throws {
        let c = try camera(#"{"width": 384, "height": 256, "fx": 300, "fy": 310, "cx": 190.5, "cy": 120, "viewmat_world_to_camera_row_major": [[1,0,0,0.5],[0,1,0,0],[0,0,1,3],[0,0,0,1]], "mode": "gsplat"}"#)
        XCTAssertEqual(c.width, 384)
        XCTAssertEqual(c.cx, 190.5)
        XCTAssertEqual(c.worldToCamera.translation, [0.5, 0, 3])
        XCTAssertEqual(c.centre, [-0.5, 0, -3])
    }

    func testJSONRoundTrip() throws {
        let c = try Camera.lookAt(eye: [0.3, 0.1, 1], target: .zero, fovY: 25, width: 320, height: 200)
        let back = try Camera(json: c.jsonData())
        XCTAssertEqual(back.width, c.width)
        XCTAssertEqual(back.fy, c.fy, accuracy: 1e-4)
        XCTAssertEqual(back.worldToCamera.translation.z, c.worldToCamera.translation.z, accuracy: 1e-6)
    }

    func testLookAtPutsTheTargetOnTheOpticalAxis() throws {
        let c = try Camera.lookAt(eye: [1, 2, 3], target: [0.5, -0.25, 0], fovY: 30, width: 100, height: 100)
        let p = c.worldToCamera.apply([0.5, -0.25, 0])
        XCTAssertEqual(p.x, 0, accuracy: 1e-5)
        XCTAssertEqual(p.y, 0, accuracy: 1e-5)
        XCTAssertGreaterThan(p.z, 0)
        // World up appears up in the image (negative y in OpenCV axes).
        XCTAssertLessThan(c.worldToCamera.apply([0.5, 0.75, 0]).y, 0)
    }

    func testRejectsBadCameras() {
        let cases: [(String, String)] = [
            (#"{"width": 0, "height": 10, "fx": 1, "fy": 1, "cx": 0, "cy": 0, "viewmat_world_to_camera_row_major": \#(identity)}"#, "image size"),
            (#"{"width": 100000, "height": 10, "fx": 1, "fy": 1, "cx": 0, "cy": 0, "viewmat_world_to_camera_row_major": \#(identity)}"#, "image size"),
            (#"{"width": 10, "height": 10, "fx": -1, "fy": 1, "cx": 0, "cy": 0, "viewmat_world_to_camera_row_major": \#(identity)}"#, "fx"),
            (#"{"width": 10, "height": 10, "fx": 1, "fy": 1, "cx": 0, "cy": 0, "viewmat_world_to_camera_row_major": [[1,0,0]]}"#, "4×4"),
            (#"{"width": 10, "height": 10, "fx": 1, "fy": 1, "cx": 0, "viewmat_world_to_camera_row_major": \#(identity)}"#, "missing key \"cy\""),
            ("not json", "not a camera"),
        ]
        for (json, expected) in cases {
            XCTAssertThrowsError(try camera(json), expected) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) should mention \(expected)")
                XCTAssertTrue("\(error)".contains("cam.json"), "\(error) should name the file")
            }
        }
    }
}
