import XCTest
import ZeroMQ

final class MonitorTests: XCTestCase {
    func testMonitorsReportListeningAcceptedConnectedAndDisconnected() throws {
        let context = try ZMQContext()
        let router = try boundedSocket(context, .router)
        let serverEvents = try router.startMonitor()
        let endpoint = try router.bind("tcp://127.0.0.1:*")

        let dealer = try boundedSocket(context, .dealer)
        let clientEvents = try dealer.startMonitor(events: [.connected, .handshakeSucceeded])
        try dealer.connect(endpoint)

        let listening = try XCTUnwrap(try serverEvents.waitFor(.listening, timeout: patience))
        XCTAssertEqual(listening.endpoint, endpoint)
        guard case .listening(let fd) = listening.event else { return XCTFail("\(listening)") }
        XCTAssertGreaterThanOrEqual(fd, 0)

        let accepted = try XCTUnwrap(try serverEvents.waitFor(.accepted, timeout: patience))
        XCTAssertEqual(accepted.event.kind, .accepted)
        XCTAssertTrue(accepted.endpoint.hasPrefix("tcp://127.0.0.1:"), accepted.endpoint)
        XCTAssertNotNil(try serverEvents.waitFor(.handshakeSucceeded, timeout: patience))

        let connected = try XCTUnwrap(try clientEvents.waitFor(.connected, timeout: patience))
        XCTAssertEqual(connected.endpoint, endpoint)
        guard case .connected = connected.event else { return XCTFail("\(connected)") }
        XCTAssertEqual(try clientEvents.next(timeout: patience)?.event, .handshakeSucceeded)

        dealer.close()
        XCTAssertNotNil(try serverEvents.waitFor(.disconnected, timeout: patience))

        try router.stopMonitor()
        XCTAssertNotNil(try serverEvents.waitFor(.monitorStopped, timeout: patience))
    }

    func testMonitorMessageDecoding() throws {
        var header = withUnsafeBytes(of: UInt16(0x0020)) { Array($0) }
        header += withUnsafeBytes(of: UInt32(17)) { Array($0) }
        let message = try ZMQMonitorMessage(frames: [header, bytes("tcp://127.0.0.1:5555")])
        XCTAssertEqual(message.event, .accepted(fd: 17))
        XCTAssertEqual(message.endpoint, "tcp://127.0.0.1:5555")

        XCTAssertEqual(ZMQMonitorEvent(code: 0x0004, value: 250), .connectRetried(interval: .milliseconds(250)))
        XCTAssertEqual(ZMQMonitorEvent(code: 0x4000, value: 400), .handshakeFailedAuth(statusCode: 400))
        XCTAssertEqual(ZMQMonitorEvent(code: 0x8000, value: 1), .other(code: 0x8000, value: 1))
        XCTAssertTrue(ZMQMonitorEvents.handshakeFailed.contains(ZMQMonitorEvent(code: 0x2000, value: 0).kind))

        XCTAssertThrowsError(try ZMQMonitorMessage(frames: [[1, 2, 3]]))
    }
}
