import XCTest
import ZeroMQ

final class ZeroCopyTests: XCTestCase {
    func testZeroCopySendDeliversBytesAndReleasesBuffers() throws {
        let context = try ZMQContext()
        let receiver = try boundedSocket(context, .pull)
        let endpoint = try receiver.bind("tcp://127.0.0.1:*")
        let sender = try boundedSocket(context, .push)
        try sender.connect(endpoint)

        let released = AtomicCounter()
        let payloads: [[UInt8]] = [
            bytes("small"),
            [],
            (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) },  // a frame-sized message
        ]
        for payload in payloads {
            let buffer = ZMQOwnedBuffer(copying: payload, onRelease: { released.increment() })
            XCTAssertEqual(buffer.count, payload.count)
            XCTAssertTrue(try sender.sendZeroCopy(buffer))
        }
        for payload in payloads {
            XCTAssertEqual(try receiver.receive(), payload)
        }
        // libzmq's I/O thread releases the buffers once written.
        XCTAssertTrue(waitUntil { released.value == payloads.count }, "released \(released.value) of \(payloads.count)")
    }

    func testOneBufferSentTwiceAsPartOfMultipartMessages() throws {
        let context = try ZMQContext()
        let receiver = try boundedSocket(context, .pair)
        let sender = try boundedSocket(context, .pair)
        try receiver.bind("inproc://zero-copy")
        try sender.connect("inproc://zero-copy")

        let released = AtomicCounter()
        do {
            let image = ZMQOwnedBuffer(capacity: 1024, onRelease: { released.increment() }) { memory in
                for index in 0..<100 { memory[index] = UInt8(index) }
                return 100
            }
            for topic in ["stream-a", "stream-b"] {
                try sender.send(topic, more: true)
                try sender.sendZeroCopy(image)
            }
        }
        for topic in ["stream-a", "stream-b"] {
            let frames = try XCTUnwrap(try receiver.receiveMultipart())
            XCTAssertEqual(frames, [bytes(topic), (0..<100).map { UInt8($0) }])
        }
        // Shared by two messages and the program: freed once, after all three let go.
        XCTAssertTrue(waitUntil { released.value == 1 })
        XCTAssertEqual(released.value, 1)
    }

    func testUnsentBufferIsReleasedAndFailedInitializerAllocatesNothing() throws {
        struct Failure: Error {}
        let released = AtomicCounter()
        do {
            let buffer = ZMQOwnedBuffer(copying: [1, 2, 3], onRelease: { released.increment() })
            XCTAssertEqual(buffer.bytes, [1, 2, 3])
        }
        XCTAssertEqual(released.value, 1)
        XCTAssertThrowsError(try ZMQOwnedBuffer(capacity: 8, onRelease: { released.increment() }) { _ throws(Failure) -> Int in
            throw Failure()
        })
        XCTAssertEqual(released.value, 1)
    }

    func testZeroCopySendOnClosedSocketThrowsAndReleases() throws {
        let context = try ZMQContext()
        let socket = try context.socket(.push)
        socket.close()
        let released = AtomicCounter()
        XCTAssertThrowsError(try socket.sendZeroCopy(ZMQOwnedBuffer(copying: [1], onRelease: { released.increment() })))
        XCTAssertEqual(released.value, 1)
    }
}
