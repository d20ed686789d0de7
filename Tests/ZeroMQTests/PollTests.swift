import Foundation
import XCTest
import ZeroMQ

final class PollTests: XCTestCase {
    func testPollTimesOutThenReportsReadiness() throws {
        let context = try ZMQContext()
        let receiver = try boundedSocket(context, .pair)
        let sender = try boundedSocket(context, .pair)
        try receiver.bind("inproc://poll")
        try sender.connect("inproc://poll")

        XCTAssertEqual(try ZMQ.poll([ZMQPollItem(receiver)], timeout: .milliseconds(20)), [[]])
        XCTAssertEqual(try ZMQ.poll([ZMQPollItem(receiver)], timeoutMilliseconds: 0), [[]])
        XCTAssertFalse(try receiver.events.contains(.pollIn))

        try sender.send("hello")
        let ready = try ZMQ.poll([ZMQPollItem(receiver), ZMQPollItem(sender, events: .pollOut)], timeout: patience)
        XCTAssertTrue(ready[0].contains(.pollIn))
        XCTAssertTrue(ready[1].contains(.pollOut))
        XCTAssertTrue(try receiver.events.contains(.pollIn))
        XCTAssertEqual(try receiver.receiveString(dontWait: true), "hello")
        XCTAssertNil(try receiver.receive(dontWait: true))
    }

    func testPollerWatchesSocketsAndFileDescriptors() throws {
        let context = try ZMQContext()
        let receiver = try boundedSocket(context, .pull)
        let endpoint = try receiver.bind("tcp://127.0.0.1:*")
        let sender = try boundedSocket(context, .push)
        try sender.connect(endpoint)
        var descriptors: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&descriptors), 0)
        defer { close(descriptors[0]); close(descriptors[1]) }

        var poller = ZMQPoller()
        let socketIndex = poller.add(receiver)
        let pipeIndex = poller.add(fileDescriptor: descriptors[0])
        XCTAssertEqual(try poller.poll(timeout: .milliseconds(10)), 0)

        var byte: UInt8 = 7
        XCTAssertEqual(write(descriptors[1], &byte, 1), 1)
        XCTAssertEqual(try poller.poll(timeout: patience), 1)
        XCTAssertEqual(poller.readyEvents(at: pipeIndex), .pollIn)
        XCTAssertEqual(poller.readyEvents(at: socketIndex), [])
        XCTAssertEqual(read(descriptors[0], &byte, 1), 1)

        try sender.send("over tcp")
        XCTAssertEqual(try poller.poll(timeout: patience), 1)
        XCTAssertEqual(poller.readyEvents(at: socketIndex), .pollIn)
        XCTAssertEqual(try receiver.receiveString(dontWait: true), "over tcp")

        receiver.close()
        XCTAssertThrowsError(try poller.poll(timeout: .zero)) { error in
            XCTAssertEqual((error as? ZMQError)?.errno, ZMQError.enotsock)
        }
    }

    func testWakeupInterruptsPollFromAnotherThread() throws {
        let context = try ZMQContext()
        let socket = try boundedSocket(context, .pull)
        try socket.bind("inproc://idle")
        let wakeup = try ZMQWakeup()
        var poller = ZMQPoller()
        let socketIndex = poller.add(socket)
        let wakeupIndex = poller.add(ZMQPollItem(wakeup))

        let signaller = Thread {
            Thread.sleep(forTimeInterval: 0.05)
            wakeup.signal()
        }
        signaller.start()
        let clock = ContinuousClock()
        let started = clock.now
        XCTAssertEqual(try poller.poll(timeout: .seconds(30)), 1)
        XCTAssertLessThan(clock.now - started, .seconds(25), "the poll was not woken")
        XCTAssertEqual(poller.readyEvents(at: wakeupIndex), .pollIn)
        XCTAssertEqual(poller.readyEvents(at: socketIndex), [])

        XCTAssertTrue(wakeup.drain())
        XCTAssertEqual(try poller.poll(timeout: .zero), 0)
        XCTAssertFalse(wakeup.drain())

        // Signals coalesce, even beyond the pipe's capacity, and never block.
        for _ in 0..<100_000 { wakeup.signal() }
        XCTAssertEqual(try poller.poll(timeout: .zero), 1)
        XCTAssertTrue(wakeup.drain())
        XCTAssertEqual(try poller.poll(timeout: .zero), 0)
    }
}
