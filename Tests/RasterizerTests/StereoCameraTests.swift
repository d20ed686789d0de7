import Rasterizer
import XCTest

private func length(_ v: SIMD3<Float>) -> Float { (v * v).sum().squareRoot() }

final class StereoCameraTests: XCTestCase {
    func testEyesSitAlongTheHeadsXAxis() throws {
        let head = try Camera.lookAt(eye: [0.3, 1.6, 1.0], target: [0, 1.6, 0], fovY: 30, width: 320, height: 240)
        let (left, right) = head.stereoPair(ipd: 0.064)
        XCTAssertEqual(left.worldToCamera.rows.0, head.worldToCamera.rows.0, "the eyes look the same way as the head")
        XCTAssertEqual(length(left.centre - right.centre), 0.064, accuracy: 1e-5)
        XCTAssertEqual(length((left.centre + right.centre) / 2 - head.centre), 0, accuracy: 1e-5)
        // The left eye is on the head's left: towards camera −x.
        XCTAssertLessThan(head.worldToCamera.apply(left.centre).x, 0)
        // A point straight ahead at depth z is fx · ipd / z pixels further right in the left eye.
        let point = head.worldToCamera.inverse.apply([0, 0, 2])
        func u(_ c: Camera) -> Float { let p = c.worldToCamera.apply(point); return c.cx + c.fx * p.x / p.z }
        XCTAssertEqual(u(left) - u(right), head.fx * 0.064 / 2, accuracy: 1e-3)
    }
}
