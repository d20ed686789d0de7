import XCTest
import ZeroMQ

final class XPublisherTests: XCTestCase {
    private func expectSubscription(_ xpub: ZMQSocket, _ subscribe: Bool, _ topic: String,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let message = try XCTUnwrap(try xpub.receive(), "no subscription message", file: file, line: line)
        XCTAssertEqual(message, [subscribe ? 1 : 0] + bytes(topic), file: file, line: line)
    }

    func testVerboseXPubSeesEverySubscribeAndTheLastUnsubscribe() throws {
        let context = try ZMQContext()
        let xpub = try boundedSocket(context, .xpub)
        try xpub.set(.xpubVerbose, true)
        let endpoint = try xpub.bind("tcp://127.0.0.1:*")
        let first = try boundedSocket(context, .sub)
        let second = try boundedSocket(context, .sub)
        try first.connect(endpoint)
        try second.connect(endpoint)

        try first.subscribe("avatar-1")
        try expectSubscription(xpub, true, "avatar-1")
        try second.subscribe("avatar-1")
        try expectSubscription(xpub, true, "avatar-1")  // a duplicate: passed on only when verbose

        // Not the last subscriber: the unsubscribe is swallowed; the marker on the same
        // connection proves nothing came before it.
        try first.unsubscribe("avatar-1")
        try first.subscribe("marker")
        try expectSubscription(xpub, true, "marker")

        try second.unsubscribe("avatar-1")
        try expectSubscription(xpub, false, "avatar-1")
    }

    func testVerboserXPubSeesEveryUnsubscribe() throws {
        let context = try ZMQContext()
        let xpub = try boundedSocket(context, .xpub)
        try xpub.set(.xpubVerboser, true)
        let endpoint = try xpub.bind("tcp://127.0.0.1:*")
        let first = try boundedSocket(context, .sub)
        let second = try boundedSocket(context, .sub)
        try first.connect(endpoint)
        try second.connect(endpoint)

        try first.subscribe("t")
        try expectSubscription(xpub, true, "t")
        try second.subscribe("t")
        try expectSubscription(xpub, true, "t")
        try first.unsubscribe("t")
        try expectSubscription(xpub, false, "t")
        try second.unsubscribe("t")
        try expectSubscription(xpub, false, "t")
    }

    func testXPubNoDropIsSettable() throws {
        let context = try ZMQContext()
        let xpub = try context.socket(.xpub)
        try xpub.set(.xpubNoDrop, true)
        try xpub.set(.xpubNoDrop, false)
    }
}
