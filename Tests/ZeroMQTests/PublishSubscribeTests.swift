import XCTest
import ZeroMQ

final class PublishSubscribeTests: XCTestCase {
    func testSubscriberReceivesOnlyItsTopics() throws {
        let context = try ZMQContext()
        let publisher = try boundedSocket(context, .pub)
        let endpoint = try publisher.bind("tcp://127.0.0.1:*")
        let subscriber = try boundedSocket(context, .sub, timeout: .milliseconds(50))
        try subscriber.subscribe("weather.")
        try subscriber.connect(endpoint)

        // The subscription travels to the publisher asynchronously: probe until one arrives.
        let propagated = try waitUntil {
            try publisher.send("weather.probe")
            return try subscriber.receive() != nil
        }
        XCTAssertTrue(propagated, "subscription did not reach the publisher")

        try subscriber.set(.receiveTimeout, patience)
        for index in 0..<10 {
            try publisher.send("sports.\(index)")
            try publisher.send(multipart: [bytes("weather.\(index)"), bytes("sunny")])
        }
        try publisher.send("weather.end")
        var weather: [String] = []
        while true {
            let frames = try XCTUnwrap(try subscriber.receiveMultipart(), "timed out")
            let topic = String(decoding: frames[0], as: UTF8.self)
            XCTAssertTrue(topic.hasPrefix("weather."), topic)
            if topic == "weather.end" { break }
            if topic != "weather.probe" {
                XCTAssertEqual(frames.count, 2)
                weather.append(topic)
            }
        }
        XCTAssertEqual(weather, (0..<10).map { "weather.\($0)" })
    }

    /// One stalled and one fast subscriber behind a PUB with a small SNDHWM: the stalled
    /// one's queue overflows and PUB drops its messages, while the fast one gets every message.
    func testPublisherDropsForStalledSubscriberOnly() throws {
        let context = try ZMQContext()
        let publisher = try boundedSocket(context, .pub)
        try publisher.set(.sendHighWaterMark, 2)
        XCTAssertEqual(try publisher.get(.sendHighWaterMark), 2)
        try publisher.bind("inproc://frames")

        let fast = try boundedSocket(context, .sub)
        try fast.set(.receiveHighWaterMark, 1000)
        let stalled = try boundedSocket(context, .sub)
        try stalled.set(.receiveHighWaterMark, 1)
        for subscriber in [fast, stalled] {
            try subscriber.subscribe("")
            try subscriber.connect("inproc://frames")
        }
        var fastSawProbe = false, stalledSawProbe = false
        let propagated = try waitUntil {
            try publisher.send("probe")
            fastSawProbe = try fastSawProbe || drain(fast) > 0
            stalledSawProbe = try stalledSawProbe || drain(stalled) > 0
            return fastSawProbe && stalledSawProbe
        }
        XCTAssertTrue(propagated, "subscriptions did not reach the publisher")
        _ = try drain(fast)
        _ = try drain(stalled)

        let count = 500
        for index in 0..<count {
            XCTAssertTrue(try publisher.send("frame \(index)", dontWait: true))  // PUB never blocks
        }
        var fastReceived: [String] = []
        while fastReceived.count < count, let frame = try fast.receiveString() {
            fastReceived.append(frame)
        }
        XCTAssertEqual(fastReceived, (0..<count).map { "frame \($0)" })
        let stalledReceived = try drain(stalled)
        XCTAssertGreaterThan(stalledReceived, 0)
        XCTAssertLessThan(stalledReceived, 20, "the stalled subscriber should have lost almost everything")
    }
}
