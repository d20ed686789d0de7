import XCTest
import ZeroMQ

final class DealerRouterTests: XCTestCase {
    func testRepliesAreRoutedByIdentityWithRequestIds() throws {
        let context = try ZMQContext()
        let router = try boundedSocket(context, .router)
        try router.set(.routerMandatory, true)
        let endpoint = try router.bind("tcp://127.0.0.1:*")

        var dealers: [String: ZMQSocket] = [:]
        for name in ["alice", "bob"] {
            let dealer = try boundedSocket(context, .dealer)
            try dealer.set(.routingId, bytes(name))
            XCTAssertEqual(try dealer.get(.routingId), bytes(name))
            try dealer.connect(endpoint)
            dealers[name] = dealer
        }
        // Each client sends [request id][body].
        for (index, name) in ["alice", "bob"].enumerated() {
            let requestId = withUnsafeBytes(of: UInt32(100 + index).littleEndian) { Array($0) }
            XCTAssertTrue(try dealers[name]!.send(multipart: [requestId, bytes("load \(name)")]))
        }
        // The router sees [identity][request id][body] and answers through the identity.
        for _ in 0..<2 {
            let frames = try XCTUnwrap(try router.receiveMultipart())
            XCTAssertEqual(frames.count, 3)
            let identity = String(decoding: frames[0], as: UTF8.self)
            XCTAssertEqual(frames[2], bytes("load \(identity)"))
            try router.send(multipart: [frames[0], frames[1], bytes("ok \(identity)")])
        }
        for (index, name) in ["alice", "bob"].enumerated() {
            let reply = try XCTUnwrap(try dealers[name]!.receiveMultipart())
            XCTAssertEqual(reply.count, 2)
            XCTAssertEqual(reply[0].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }, UInt32(100 + index).littleEndian)
            XCTAssertEqual(reply[1], bytes("ok \(name)"))
        }
        // An unknown peer is reported rather than silently dropped.
        XCTAssertThrowsError(try router.send(multipart: [bytes("carol"), bytes("1"), bytes("hello")])) { error in
            XCTAssertTrue((error as? ZMQError)?.isHostUnreachable == true, "\(error)")
        }
    }
}
