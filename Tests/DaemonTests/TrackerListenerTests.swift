import Daemon
import FrameEncoder
import Foundation
import SplatCore
import SplatProtocol
import XCTest
import ZeroMQ

/// Live Link Face and VMC over real UDP sockets into a running daemon: frames change where
/// the face should, bad datagrams are counted with their reason, and the daemon serves on.
final class TrackerListenerTests: XCTestCase {
    /// Mean absolute difference of a region of two 128×128 renders of the demo head.
    static func difference(_ a: DecodedImage, _ b: DecodedImage, rows: Range<Int>, columns: Range<Int>) -> Double {
        var sum = 0, n = 0
        for y in rows {
            for x in columns {
                for c in 0..<3 {
                    let i = (y * a.width + x) * 3 + c
                    sum += abs(Int(a.pixels[i]) - Int(b.pixels[i]))
                    n += 1
                }
            }
        }
        return Double(sum) / Double(n)
    }

    static let mouth = (rows: 72..<104, columns: 48..<80)
    static let eyes = (rows: 55..<67, columns: 44..<85)

    /// Sends `datagram` at 60 Hz for `seconds`, like a phone, then returns the newest frame.
    func stream(_ datagram: (Int) -> [UInt8], seconds: Double, via sender: UDPSender, watching sub: ZMQSocket) throws -> DecodedImage {
        let start = Date()
        var k = 0
        while Date().timeIntervalSince(start) < seconds {
            sender.send(datagram(k))
            k += 1
            Thread.sleep(forTimeInterval: 1.0 / 60)
        }
        while (try? sub.receiveMultipart(dontWait: true)) ?? nil != nil {}
        sender.send(datagram(k))
        return try PNGDecoder.decode(try XCTUnwrap(try sub.nextFrame(topic: "frames/face")).image)
    }

    func testLiveLinkFaceMovesTheMouthAndTheEyes() throws {
        let d = try DaemonHarness { $0.liveLink = "127.0.0.1:0" }
        XCTAssertNil(d.endpoints.vmc)
        let phone = UDPSender(port: try UDPSender.port(of: d.endpoints.liveLink))
        try d.ok { $0.openStream = .with { $0.streamID = "face"; $0.avatarID = "demo"; $0.width = 128; $0.height = 128; $0.codec = .png } }
        let sub = try d.subscriber(["frames/face"])
        Thread.sleep(forTimeInterval: 0.3)

        let neutral = try stream({ LiveLinkDatagram.make(frame: Int32($0)) }, seconds: 0.6, via: phone, watching: sub)
        let open = try stream({ LiveLinkDatagram.make(frame: Int32($0), ["JawOpen": 1]) }, seconds: 0.5, via: phone, watching: sub)
        let closedEyes = try stream({ LiveLinkDatagram.make(frame: Int32($0), ["EyeBlinkLeft": 1, "EyeBlinkRight": 1]) },
                                    seconds: 0.5, via: phone, watching: sub)
        let m = Self.mouth, e = Self.eyes
        XCTAssertGreaterThan(Self.difference(neutral, open, rows: m.rows, columns: m.columns), 15, "JawOpen opens the mouth")
        XCTAssertLessThan(Self.difference(neutral, open, rows: e.rows, columns: e.columns), 3, "JawOpen leaves the eyes")
        XCTAssertGreaterThan(Self.difference(neutral, closedEyes, rows: e.rows, columns: e.columns), 10, "EyeBlink closes the eyes")
        XCTAssertLessThan(Self.difference(neutral, closedEyes, rows: m.rows, columns: m.columns), 3, "the mouth is closed again")

        let status = try d.ok { $0.getStatus = .init() }.daemonStatus
        let tracker = try XCTUnwrap(status.trackers.first)
        XCTAssertEqual(tracker.protocol, "livelink")
        XCTAssertEqual(tracker.endpoint, d.endpoints.liveLink)
        XCTAssertGreaterThan(tracker.packetsReceived, 60)
        XCTAssertEqual(tracker.framesApplied, tracker.packetsReceived)
        XCTAssertEqual(tracker.packetsRejected, 0)
        XCTAssertEqual(tracker.lastSubject, "iPhone")
        XCTAssertEqual(tracker.lastAvatarID, "demo")
        XCTAssertGreaterThan(tracker.rateHz, 20)
        let demo = try XCTUnwrap(status.avatars.first { $0.info.avatarID == "demo" })
        XCTAssertTrue([.live, .hold].contains(demo.driveState), "driven by the phone until a moment ago: \(demo.driveState)")
    }

    func testBadDatagramsAreCountedWithTheirReasonAndTheDaemonServesOn() throws {
        let d = try DaemonHarness {
            $0.liveLink = "127.0.0.1:0"
            $0.liveLinkSubjects = ["iPhone": "demo", "iPad": "absent"]
        }
        let phone = UDPSender(port: try UDPSender.port(of: d.endpoints.liveLink))
        var names = LiveLinkDatagram.names.map { _ in Float(0) }
        names[17] = .nan
        let good = LiveLinkDatagram.make()
        let cases: [(bytes: [UInt8], reason: String)] = [
            (Array(good.prefix(good.count - 2)), "truncated"),
            (LiveLinkDatagram.make(count: 0, values: []), "value count 0"),
            (LiveLinkDatagram.make(count: 255), "value count 255"),
            (LiveLinkDatagram.make(values: names), "JawOpen is NaN"),
            (good + [UInt8](repeating: 1, count: 9000), "9000 bytes after the end"),
            (LiveLinkDatagram.make(subject: "Somebody's phone"), "no avatar for subject \"Somebody's phone\""),
            (LiveLinkDatagram.make(subject: "iPad"), "avatar \"absent\""),
            (LiveLinkDatagram.make(["JawOpen": 3]), "outside"),
            ([], "packet version"),
        ]
        for (i, c) in cases.enumerated() {
            phone.send(c.bytes)
            let deadline = Date().addingTimeInterval(5)
            var tracker = Splatd_V1_TrackerStatus()
            while Date() < deadline {
                tracker = try XCTUnwrap(try d.ok { $0.getStatus = .init() }.daemonStatus.trackers.first)
                if tracker.packetsRejected == UInt64(i + 1) { break }
                Thread.sleep(forTimeInterval: 0.02)
            }
            XCTAssertEqual(tracker.packetsRejected, UInt64(i + 1), c.reason)
            XCTAssertTrue(tracker.lastRejection.contains(c.reason), "\(tracker.lastRejection) does not say \(c.reason)")
        }
        // A 52-value datagram (no head) is fine, and so is the good one after all that.
        phone.send(LiveLinkDatagram.make(values: [Float](repeating: 0.1, count: 52)))
        phone.send(good)
        let deadline = Date().addingTimeInterval(5)
        var tracker = Splatd_V1_TrackerStatus()
        while Date() < deadline {
            tracker = try XCTUnwrap(try d.ok { $0.getStatus = .init() }.daemonStatus.trackers.first)
            if tracker.framesApplied == 2 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertEqual(tracker.framesApplied, 2)
        XCTAssertEqual(tracker.packetsReceived, UInt64(cases.count + 2))
        XCTAssertEqual(try d.ok { $0.ping = .init() }.pong.version, SplatService.version)
    }

    func testVMCPerformerDrivesTheConfiguredAvatar() throws {
        let d = try DaemonHarness { $0.vmc = "127.0.0.1:0" }
        let performer = UDPSender(port: try UDPSender.port(of: d.endpoints.vmc))
        func message(_ address: String, _ name: String? = nil, _ floats: [Float]) -> [UInt8] {
            func padded(_ s: String) -> [UInt8] { var o = Array(s.utf8) + [0]; while o.count % 4 != 0 { o.append(0) }; return o }
            var out = padded(address) + padded("," + (name == nil ? "" : "s") + String(repeating: "f", count: floats.count))
            if let name { out += padded(name) }
            for f in floats { out += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: f.bitPattern >> $0) } }
            return out
        }
        var bundle = Array("#bundle".utf8) + [0] + [UInt8](repeating: 0, count: 7) + [1]
        for e in [message("/VMC/Ext/Blend/Val", "A", [1]), message("/VMC/Ext/Blend/Val", "SomeClip", [1]),
                  message("/VMC/Ext/Blend/Apply", nil, [])] {
            bundle += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: UInt32(e.count) >> $0) } + e
        }
        performer.send(bundle)
        performer.send(Array("garbage!".utf8))
        let deadline = Date().addingTimeInterval(5)
        var tracker = Splatd_V1_TrackerStatus()
        while Date() < deadline {
            tracker = try XCTUnwrap(try d.ok { $0.getStatus = .init() }.daemonStatus.trackers.first)
            if tracker.packetsReceived == 2 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertEqual(tracker.protocol, "vmc")
        XCTAssertEqual(tracker.framesApplied, 1)
        XCTAssertEqual(tracker.packetsRejected, 1)
        XCTAssertEqual(tracker.namesIgnored, 1)
        XCTAssertEqual(tracker.lastAvatarID, "demo")
        XCTAssertTrue(tracker.lastSubject.hasPrefix("127.0.0.1:"))
        let demo = try XCTUnwrap(try d.ok { $0.getStatus = .init() }.daemonStatus.avatars.first { $0.info.avatarID == "demo" })
        XCTAssertEqual(demo.driveFramesReceived, 1)
    }

    /// A phone (Live Link Face, mouth closed) and speech on one avatar: by default audio owns
    /// the mouth, so the voice opens it; with the mouth given to the tracker, it stays closed.
    func testLiveLinkPhoneAndSpeechFollowTheMixingRules() throws {
        let wav = try DaemonHarness.speech("Papa bought a banana.")
        let d = try DaemonHarness { $0.liveLink = "127.0.0.1:0" }
        let port = try UDPSender.port(of: d.endpoints.liveLink)
        try d.ok { $0.openStream = .with { $0.streamID = "face"; $0.avatarID = "demo"; $0.width = 128; $0.height = 128; $0.codec = .png } }
        let sub = try d.subscriber(["frames/face"])
        let phoneStop = Locked(false)
        let phone = Thread {
            let sender = UDPSender(port: port)
            var k: Int32 = 0
            while !phoneStop.withLock({ $0 }) {
                sender.send(LiveLinkDatagram.make(frame: k, ["HeadYaw": 0.1]))
                k += 1
                Thread.sleep(forTimeInterval: 1.0 / 60)
            }
        }
        phone.start()
        defer { phoneStop.withLock { $0 = true } }
        Thread.sleep(forTimeInterval: 0.6)
        while (try? sub.receiveMultipart(dontWait: true)) ?? nil != nil {}
        let still = try PNGDecoder.decode(try XCTUnwrap(try sub.nextFrame(topic: "frames/face")).image)

        func mouthWhileSpeaking() throws -> Double {
            let speaker = d.speak(wav, to: "demo")
            var largest = 0.0
            let end = Date().addingTimeInterval(wav.duration + 0.1)
            while Date() < end, let f = try sub.nextFrame(topic: "frames/face") {
                largest = max(largest, Self.difference(still, try PNGDecoder.decode(f.image), rows: Self.mouth.rows, columns: Self.mouth.columns))
            }
            while !speaker.isFinished { Thread.sleep(forTimeInterval: 0.05) }
            Thread.sleep(forTimeInterval: 0.5)
            return largest
        }
        let audioOwnsMouth = try mouthWhileSpeaking()
        let demo = try XCTUnwrap(try d.ok { $0.getStatus = .init() }.daemonStatus.avatars.first { $0.info.avatarID == "demo" })
        XCTAssertEqual(demo.driveState, .live, "the phone drives the avatar throughout")
        XCTAssertEqual(demo.mixing.jawAndMouth, .audio)

        try d.ok { $0.setMixing = .with { $0.avatarID = "demo"; $0.mixing = .with { $0.jawAndMouth = .tracker; $0.headPose = .tracker; $0.eyesAndBrows = .tracker } } }
        let trackerOwnsMouth = try mouthWhileSpeaking()
        XCTAssertGreaterThan(audioOwnsMouth, 6, "audio owns the mouth by default: the voice opens it")
        XCTAssertLessThan(trackerOwnsMouth, 5, "the tracker owns the mouth: the phone keeps it closed")
        XCTAssertLessThan(trackerOwnsMouth, audioOwnsMouth / 2, "the voice moves the mouth only while audio owns it")
    }

    func testTrackerSettingsAreChecked() {
        for bad in ["11111x", "1.2.3:80", "localhost:11111", "70000", "1.2.3.4:5:6"] {
            var c = DaemonConfiguration.ephemeralLoopback
            c.liveLink = bad
            XCTAssertThrowsError(try c.validate(), bad)
        }
        var c = DaemonConfiguration.ephemeralLoopback
        c.vmc = "0.0.0.0:39539"
        c.liveLinkSubjects = ["phone": "bad id!"]
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("bad id!")) }
    }
}
