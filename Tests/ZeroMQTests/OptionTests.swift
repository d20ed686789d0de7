import XCTest
@testable import ZeroMQ

final class OptionTests: XCTestCase {
    func testLibraryVersionAndCapabilities() {
        XCTAssertGreaterThanOrEqual(ZMQ.version, ZMQVersion(major: 4, minor: 0, patch: 0))
        XCTAssertEqual("\(ZMQ.version)".split(separator: ".").count, 3)
        XCTAssertTrue(ZMQ.has("ipc"))
        XCTAssertFalse(ZMQ.has("no-such-capability"))
    }

    func testOptionsRoundTrip() throws {
        let context = try ZMQContext()
        let socket = try context.socket(.dealer)
        XCTAssertEqual(socket.type, .dealer)
        XCTAssertEqual(try socket.get(.linger), .zero, "sockets are created with linger 0")

        try socket.set(.linger, nil)
        XCTAssertNil(try socket.get(.linger))
        try socket.set(.linger, .milliseconds(250))
        XCTAssertEqual(try socket.get(.linger), .milliseconds(250))

        try socket.set(.sendHighWaterMark, 3)
        try socket.set(.receiveHighWaterMark, 4)
        XCTAssertEqual(try socket.get(.sendHighWaterMark), 3)
        XCTAssertEqual(try socket.get(.receiveHighWaterMark), 4)

        XCTAssertNil(try socket.get(.receiveTimeout))
        try socket.set(.receiveTimeout, .microseconds(1500))  // rounds up to 2 ms
        XCTAssertEqual(try socket.get(.receiveTimeout), .milliseconds(2))
        try socket.set(.sendTimeout, .zero)
        XCTAssertEqual(try socket.get(.sendTimeout), .zero)

        XCTAssertNil(try socket.get(.maxMessageSize))
        try socket.set(.maxMessageSize, 1 << 20)
        XCTAssertEqual(try socket.get(.maxMessageSize), 1 << 20)
        XCTAssertThrowsError(try socket.set(.maxMessageSize, -5))

        try socket.set(.immediate, true)
        XCTAssertTrue(try socket.get(.immediate))
        try socket.set(.conflate, true)
        XCTAssertTrue(try socket.get(.conflate))

        try socket.set(.reconnectInterval, .milliseconds(50))
        try socket.set(.reconnectIntervalMax, .seconds(2))
        XCTAssertEqual(try socket.get(.reconnectInterval), .milliseconds(50))
        XCTAssertEqual(try socket.get(.reconnectIntervalMax), .seconds(2))
        try socket.set(.reconnectInterval, nil)
        XCTAssertNil(try socket.get(.reconnectInterval))

        try socket.set(.heartbeatInterval, .seconds(1))
        try socket.set(.heartbeatTimeout, .seconds(3))
        try socket.set(.heartbeatTTL, .seconds(10))
        XCTAssertEqual(try socket.get(.heartbeatInterval), .seconds(1))
        XCTAssertEqual(try socket.get(.heartbeatTimeout), .seconds(3))
        XCTAssertEqual(try socket.get(.heartbeatTTL), .seconds(10))

        XCTAssertNil(try socket.get(.tcpKeepalive))
        try socket.set(.tcpKeepalive, true)
        XCTAssertEqual(try socket.get(.tcpKeepalive), true)

        try socket.set(.identity, bytes("daemon"))
        XCTAssertEqual(try socket.get(.routingId), bytes("daemon"))

        XCTAssertEqual(try socket.get(.int(16, name: "ZMQ_TYPE")), Int(ZMQSocketType.dealer.rawValue))  // a custom option
        XCTAssertThrowsError(try socket.subscribe("not a SUB")) { error in
            XCTAssertEqual("\(error)", "setsockopt ZMQ_SUBSCRIBE: Invalid argument")
        }
    }

    func testDurationsConvertToWholeMilliseconds() {
        XCTAssertEqual(ZMQ.milliseconds(nil), -1)
        XCTAssertEqual(ZMQ.milliseconds(.zero), 0)
        XCTAssertEqual(ZMQ.milliseconds(.nanoseconds(1)), 1)
        XCTAssertEqual(ZMQ.milliseconds(.milliseconds(-3)), 0)
        XCTAssertEqual(ZMQ.milliseconds(.seconds(2)), 2000)
        XCTAssertEqual(ZMQ.milliseconds(.seconds(1_000_000_000)), Int(Int32.max))
    }
}
