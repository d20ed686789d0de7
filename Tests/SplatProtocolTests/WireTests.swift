import SplatProtocol
import SwiftProtobuf
import XCTest

final class WireTests: XCTestCase {
    func testRequestRoundTrip() throws {
        var request = Splatd_V1_Request()
        request.requestID = 42
        request.version = 1
        request.openStream = .with {
            $0.avatarID = "demo"
            $0.width = 256
            $0.fps = 30
            $0.codec = .png
            $0.orbit = .with { $0.distance = 1.2; $0.yawDegrees = 30 }
        }
        let bytes = request.wireBytes()
        let back = try Splatd_V1_Request.decode(wire: bytes, limit: WireLimits.maximumRequestBytes, what: "request")
        XCTAssertEqual(back, request)
        guard case let .openStream(open)? = back.body, case let .orbit(orbit)? = open.view else {
            return XCTFail("the oneofs survive the round trip")
        }
        XCTAssertEqual(orbit.yawDegrees, 30)
    }

    func testPresenceThroughOneofAndMessages() throws {
        var update = Splatd_V1_UpdateStream()
        update.streamID = "s"
        update.fps = 0  // set to zero is distinguishable from absent
        let back = try Splatd_V1_UpdateStream(serializedBytes: update.wireBytes())
        XCTAssertEqual(back.fpsSet, .fps(0))
        XCTAssertNil(back.widthSet)

        var flame = Splatd_V1_FlameValues()
        flame.jawPose = .with { $0.x = 0 }
        let f = try Splatd_V1_FlameValues(serializedBytes: flame.wireBytes())
        XCTAssertTrue(f.hasJawPose)
        XCTAssertFalse(f.hasNeckPose)
    }

    func testGarbageAndOversizedInputAreRefusedWithNamedErrors() {
        XCTAssertThrowsError(try Splatd_V1_DriveFrame.decode(wire: [0xFF, 0xFF, 0xFF], limit: 100, what: "drive frame")) {
            XCTAssertTrue("\($0)".hasPrefix("malformed drive frame"), "\($0)")
        }
        XCTAssertThrowsError(try Splatd_V1_Request.decode(wire: Array(repeating: 0, count: 101), limit: 100, what: "request")) {
            XCTAssertEqual($0 as? WireError, .tooLarge(what: "request", bytes: 101, limit: 100))
        }
        // A length-delimited field claiming more bytes than follow.
        XCTAssertThrowsError(try Splatd_V1_Request.decode(wire: [0x52, 0x7F, 0x01], limit: 100, what: "request"))
    }

    func testTopicsAndIdentifiers() {
        XCTAssertEqual(Topic.frames("cam-1"), "frames/cam-1")
        XCTAssertEqual(Topic.streamID(fromTopic: "frames/cam-1"), "cam-1")
        XCTAssertNil(Topic.streamID(fromTopic: "events"))
        XCTAssertTrue(Identifier.isValid("demo_2.v1"))
        for bad in ["", "a/b", "../x", String(repeating: "a", count: 65), "sp ace", "é"] {
            XCTAssertFalse(Identifier.isValid(bad), bad)
        }
        XCTAssertEqual(Identifier.quoted("a\u{1}b"), "\"a?b\"")
    }
}
