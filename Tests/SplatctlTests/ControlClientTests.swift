import Foundation
import SplatProtocol
import XCTest
import ZeroMQ
@testable import splatctl

/// `ControlClient` against a scripted ROUTER standing in for splatd.
final class ControlClientTests: XCTestCase {
    func testNoDaemonTimesOutWithTheEndpointInTheMessage() throws {
        // A bound ROUTER that never answers: the request is delivered, no reply comes.
        let context = try ZMQContext()
        let router = try context.socket(.router)
        let endpoint = try router.bind("tcp://127.0.0.1:*")
        let client = try ControlClient(endpoint: endpoint, timeout: 0.2, context: context)
        let start = ContinuousClock.now
        XCTAssertThrowsError(try client.call(.ping(.init()), what: "ping")) { error in
            XCTAssertEqual(error as? SplatctlError, .noReply(endpoint: endpoint, timeout: 0.2))
        }
        XCTAssertLessThan((ContinuousClock.now - start).seconds, 2)
    }

    func testSkipsStaleRepliesAndReportsErrors() throws {
        let context = try ZMQContext()
        let router = try context.socket(.router)
        let endpoint = try router.bind("tcp://127.0.0.1:*")
        let client = try ControlClient(endpoint: endpoint, timeout: 5, context: context)
        let done = expectation(description: "server")
        // The scripted daemon: answers the first request with a stale reply, then the real
        // one; the second with NOT_FOUND.
        let box = SocketBox(router)
        let server = Thread {
            defer { done.fulfill() }
            let router = box.socket
            for round in 0..<2 {
                guard let message = try? router.receiveMultipart(), message.count == 3,
                      let request = try? Splatd_V1_Request(serializedBytes: message[2]) else { return }
                let envelope = Array(message.prefix(2))
                if round == 0 {
                    let stale = Splatd_V1_Reply.with { $0.requestID = request.requestID &- 1; $0.status = .internal }
                    _ = try? router.send(multipart: envelope + [stale.wireBytes()])
                    let reply = Splatd_V1_Reply.with {
                        $0.requestID = request.requestID
                        $0.pong = .with { $0.payload = request.ping.payload; $0.version = "test" }
                    }
                    _ = try? router.send(multipart: envelope + [reply.wireBytes()])
                } else {
                    let reply = Splatd_V1_Reply.with { $0.requestID = request.requestID; $0.status = .notFound; $0.error = "no stream \"x\"" }
                    _ = try? router.send(multipart: envelope + [reply.wireBytes()])
                }
            }
        }
        server.start()
        let reply = try client.call(.ping(.with { $0.payload = Data([1, 2, 3]) }), what: "ping")
        XCTAssertEqual(reply.pong.version, "test")
        XCTAssertEqual(reply.pong.payload, Data([1, 2, 3]))
        XCTAssertThrowsError(try client.call(.closeStream(.with { $0.streamID = "x" }), what: "close stream \"x\"")) { error in
            XCTAssertEqual(error as? SplatctlError, .daemon(request: "close stream \"x\"", status: .notFound, message: "no stream \"x\""))
        }
        wait(for: [done], timeout: 5)
    }

    func testMalformedEndpoint() {
        XCTAssertThrowsError(try ControlClient(endpoint: "tcp://127.0.0.1:99999", timeout: 1)) { error in
            guard case .badEndpoint? = error as? SplatctlError else { return XCTFail("\(error)") }
        }
    }
}

/// Hands a socket to the one thread that uses it from then on.
private final class SocketBox: @unchecked Sendable {
    let socket: ZMQSocket
    init(_ socket: ZMQSocket) { self.socket = socket }
}
