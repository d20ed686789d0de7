import Foundation
import XCTest
import ZeroMQ

final class ErrorTests: XCTestCase {
    func testBindToInvalidEndpointThrowsReadableError() throws {
        let context = try ZMQContext()
        let socket = try context.socket(.rep)
        XCTAssertThrowsError(try socket.bind("tcp://127.0.0.1:99999")) { error in
            let error = error as! ZMQError
            XCTAssertEqual(error.operation, "bind tcp://127.0.0.1:99999")
            XCTAssertFalse(error.message.isEmpty)
            XCTAssertEqual(error.description, "bind tcp://127.0.0.1:99999: \(error.message)")
            XCTAssertEqual(error.errno, EINVAL, error.description)
            XCTAssertTrue(error.description.hasPrefix("bind tcp://127.0.0.1:99999: Invalid argument"), error.description)
        }
        // libzmq alone would bind port 99999 % 65536 and -1 as 65535; the wrapper refuses.
        XCTAssertThrowsError(try socket.bind("tcp://127.0.0.1:-1"))
        XCTAssertThrowsError(try socket.connect("tcp://127.0.0.1:65536"))
        XCTAssertThrowsError(try socket.bind("tcp://127.0.0.1:abc")) { error in
            XCTAssertEqual("\(error)", "bind tcp://127.0.0.1:abc: Invalid argument")
        }
        XCTAssertThrowsError(try socket.bind("carrier-pigeon://roof")) { error in
            XCTAssertEqual((error as? ZMQError)?.errno, EPROTONOSUPPORT, "\(error)")
        }
        XCTAssertThrowsError(try socket.connect("tcp://")) { error in
            XCTAssertTrue("\(error)".hasPrefix("connect tcp://: "), "\(error)")
        }
        // The socket is still usable after failed binds.
        XCTAssertTrue(try socket.bind("tcp://127.0.0.1:*").hasPrefix("tcp://127.0.0.1:"))
    }

    func testBindingAPortInUseThrows() throws {
        let context = try ZMQContext()
        let first = try context.socket(.pull)
        let endpoint = try first.bind("tcp://127.0.0.1:*")
        let second = try context.socket(.pull)
        XCTAssertThrowsError(try second.bind(endpoint)) { error in
            XCTAssertEqual((error as? ZMQError)?.errno, EADDRINUSE, "\(error)")
        }
    }

    func testOperationsAfterCloseThrow() throws {
        let context = try ZMQContext()
        let socket = try context.socket(.dealer)
        try socket.bind("inproc://closed")
        socket.close()
        socket.close()  // idempotent
        XCTAssertTrue(socket.isClosed)

        func assertClosed(_ body: @autoclosure () throws -> some Any, _ line: UInt = #line) {
            XCTAssertThrowsError(try body(), line: line) { error in
                XCTAssertEqual((error as? ZMQError)?.errno, ZMQError.enotsock, line: line)
                XCTAssertTrue("\(error)".hasSuffix("socket is closed"), "\(error)", line: line)
            }
        }
        assertClosed(try socket.send("x"))
        assertClosed(try socket.send(multipart: [[1], [2]]))
        assertClosed(try socket.receive(dontWait: true))
        assertClosed(try socket.receiveMultipart())
        assertClosed(try socket.bind("inproc://again"))
        assertClosed(try socket.connect("inproc://again"))
        assertClosed(try socket.unbind("inproc://closed"))
        assertClosed(try socket.disconnect("inproc://closed"))
        assertClosed(try socket.set(.linger, .zero))
        assertClosed(try socket.get(.sendHighWaterMark))
        assertClosed(try socket.lastEndpoint)
        assertClosed(try socket.events)
        assertClosed(try socket.startMonitor())
        assertClosed(try ZMQ.poll([ZMQPollItem(socket)], timeout: .zero))
    }

    func testTerminatedContextRefusesNewSockets() throws {
        let context = try ZMQContext()
        context.terminate()
        context.terminate()  // idempotent
        XCTAssertTrue(context.isTerminated)
        XCTAssertThrowsError(try context.socket(.pub)) { error in
            XCTAssertTrue((error as? ZMQError)?.isTerminated == true, "\(error)")
        }
    }

    func testShutdownWakesABlockedReceiveOnAnotherThread() throws {
        let context = try ZMQContext()
        let outcome = Outcome()
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let owner = Thread {
            // The socket lives and dies on this thread.
            do {
                let socket = try boundedSocket(context, .pull, timeout: .seconds(20))
                try socket.bind("inproc://shutdown")
                started.signal()
                _ = try socket.receive()
                outcome.set("returned without error")
            } catch let error as ZMQError {
                outcome.set(error.isTerminated ? "terminated" : "\(error)")
            } catch {
                outcome.set("\(error)")
            }
            finished.signal()
        }
        owner.start()
        XCTAssertEqual(started.wait(timeout: .now() + 10), .success)
        Thread.sleep(forTimeInterval: 0.05)
        context.shutdown()
        XCTAssertEqual(finished.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(outcome.get(), "terminated")
        context.terminate()  // all sockets are closed: returns at once
    }
}
