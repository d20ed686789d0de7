import XCTest
import ZeroMQ

final class RequestReplyTests: XCTestCase {
    func testRoundTripOverEphemeralTCPPort() throws {
        let context = try ZMQContext()
        let server = try boundedSocket(context, .rep)
        let endpoint = try server.bind("tcp://127.0.0.1:*")
        XCTAssertTrue(endpoint.hasPrefix("tcp://127.0.0.1:"), endpoint)
        XCTAssertFalse(endpoint.hasSuffix(":*"), endpoint)
        XCTAssertEqual(try server.lastEndpoint, endpoint)

        let client = try boundedSocket(context, .req)
        try client.connect(endpoint)
        for round in 0..<3 {
            XCTAssertTrue(try client.send("ping \(round)"))
            XCTAssertEqual(try server.receiveString(), "ping \(round)")
            XCTAssertFalse(try server.hasMoreFrames)
            XCTAssertTrue(try server.send("pong \(round)"))
            XCTAssertEqual(try client.receiveString(), "pong \(round)")
        }
    }

    func testRequestOutOfTurnThrowsStateError() throws {
        let context = try ZMQContext()
        let server = try boundedSocket(context, .rep)
        let client = try boundedSocket(context, .req)
        try server.bind("inproc://req-state")
        try client.connect("inproc://req-state")
        try client.send("first")
        XCTAssertThrowsError(try client.send("second")) { error in
            let error = error as? ZMQError
            XCTAssertEqual(error?.errno, ZMQError.efsm)
            XCTAssertTrue(error?.isWrongState == true)
            XCTAssertEqual(error?.operation, "send")
        }
    }
}
