import Animator
import Foundation
import XCTest

/// ARKit weights: canonical names, validation and clamping.
final class ARKitParametersTests: XCTestCase {
    func testCanonicalNames() {
        XCTAssertEqual(ARKitParameters.names.count, 52)
        XCTAssertEqual(Set(ARKitParameters.names).count, 52)
        XCTAssertEqual(ARKitParameters.index(of: "jawOpen"), 17)
        XCTAssertEqual(ARKitParameters.index(of: "tongueOut"), 51)
        XCTAssertEqual(ARKitParameters.index(of: "JawOpen"), 17, "names match without regard to case (Live Link Face CSV headers)")
        XCTAssertNil(ARKitParameters.index(of: "jawOpened"))
    }

    func testByNameAndIndex() throws {
        var p = try ARKitParameters(named: ["jawOpen": 0.7, "eyeBlinkLeft": 1, "_neutral": 0.2])
        XCTAssertEqual(p["jawOpen"], 0.7)
        XCTAssertEqual(p[0], 1)
        try p.set(index: 51, 0.25)
        XCTAssertEqual(p["tongueOut"], 0.25)
        let q = try ARKitParameters(weights: p.weights + [Float](repeating: 0.5, count: 9))  // Live Link Face's 61
        XCTAssertEqual(q.weights, p.weights)
    }

    func testClampsFiniteValuesAndRejectsNaN() throws {
        let p = try ARKitParameters(named: ["jawOpen": 3, "mouthClose": -1])
        XCTAssertEqual(p["jawOpen"], 1)
        XCTAssertEqual(p["mouthClose"], 0)
        XCTAssertThrowsError(try ARKitParameters(named: ["jawOpen": .nan])) {
            XCTAssertEqual($0 as? DriveError, .nonFinite(parameter: "arkit.jawOpen", index: nil))
        }
        XCTAssertThrowsError(try ARKitParameters(named: ["jawOpn": 1])) {
            XCTAssertEqual($0 as? DriveError, .unknownARKitName("jawOpn"))
            XCTAssertTrue("\($0)".contains("jawOpn"))
        }
        XCTAssertThrowsError(try ARKitParameters(weights: [1, 2, 3])) {
            guard case DriveError.wrongCount(_, 3, _) = $0 else { return XCTFail("\($0)") }
        }
        var p2 = ARKitParameters()
        XCTAssertThrowsError(try p2.set(index: 52, 1)) { XCTAssertEqual($0 as? DriveError, .arkitIndexOutOfRange(52)) }
        XCTAssertThrowsError(try ARKitParameters(headPose: HeadPose(rotation: [.nan, 0, 0])).validate())
    }
}
