import XCTest
import ZeroMQ

final class MessageLimitTests: XCTestCase {
    func testOversizedMessageDropsTheConnectionButNotTheSocket() throws {
        let context = try ZMQContext()
        let server = try boundedSocket(context, .pull, timeout: .milliseconds(300))
        try server.limitInboundMessages(maxBytes: 1024)
        XCTAssertEqual(try server.get(.maxMessageSize), 1024)
        let monitor = try server.startMonitor(events: [.accepted, .disconnected])
        let endpoint = try server.bind("tcp://127.0.0.1:*")

        let hostile = try boundedSocket(context, .push)
        try hostile.set(.reconnectInterval, nil)
        try hostile.connect(endpoint)
        try hostile.send([UInt8](repeating: 0xAB, count: 4096))
        XCTAssertNotNil(try monitor.waitFor(.disconnected, timeout: patience), "libzmq did not drop the connection")
        XCTAssertNil(try server.receive())

        let friendly = try boundedSocket(context, .push)
        try friendly.connect(endpoint)
        try friendly.send([UInt8](repeating: 0x01, count: 100))
        try server.set(.receiveTimeout, patience)
        XCTAssertEqual(try server.receive(), [UInt8](repeating: 0x01, count: 100))
    }

    func testReceiveLimitsDiscardWholeMessagesAndKeepFraming() throws {
        let context = try ZMQContext()
        let receiver = try boundedSocket(context, .pair)
        let sender = try boundedSocket(context, .pair)
        try receiver.bind("inproc://limits")
        try sender.connect("inproc://limits")
        receiver.maxReceiveBytes = 250
        receiver.maxReceiveFrames = 4
        let hundred = [UInt8](repeating: 7, count: 100)

        // Too many bytes in total.
        try sender.send(multipart: [hundred, hundred, hundred])
        try sender.send(multipart: [hundred, hundred])
        XCTAssertThrowsError(try receiver.receiveMultipart()) { error in
            XCTAssertTrue((error as? ZMQError)?.isMessageTooLarge == true, "\(error)")
        }
        XCTAssertEqual(try receiver.receiveMultipart(), [hundred, hundred])

        // Too many frames.
        try sender.send(multipart: Array(repeating: [1], count: 5))
        try sender.send(multipart: Array(repeating: [2], count: 4))
        XCTAssertThrowsError(try receiver.receiveMultipart())
        XCTAssertEqual(try receiver.receiveMultipart(), Array(repeating: [2], count: 4))

        // A single frame above the limit, in a multipart message.
        try sender.send(multipart: [[UInt8](repeating: 9, count: 300), hundred])
        try sender.send("next")
        XCTAssertThrowsError(try receiver.receive()) { error in
            XCTAssertEqual((error as? ZMQError)?.operation, "receive")
        }
        XCTAssertEqual(try receiver.receiveString(), "next")
        XCTAssertFalse(try receiver.hasMoreFrames)
    }
}
