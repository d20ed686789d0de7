import Animator
import SplatCore
import Trackers
import XCTest

/// Live Link Face datagrams built byte by byte from the documented layout (not with the code
/// under test), then decoded.
final class LiveLinkPacketTests: XCTestCase {
    /// Big-endian writer, independent of `LiveLinkPacket.bytes`.
    struct Datagram {
        var bytes: [UInt8] = []
        mutating func u8(_ v: UInt8) { bytes.append(v) }
        mutating func i32(_ v: Int32) { let u = UInt32(bitPattern: v); bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: u >> $0) } }
        mutating func f32(_ v: Float) { i32(Int32(bitPattern: v.bitPattern)) }
        mutating func string(_ s: String) { i32(Int32(s.utf8.count)); bytes += Array(s.utf8) }

        /// A version-6 datagram with `values` (count byte = values.count unless `count` is given).
        static func make(subject: String = "iPhone", values: [Float], count: UInt8? = nil) -> [UInt8] {
            var d = Datagram()
            d.u8(6)
            d.string("6A1B2C3D-0000-4000-8000-00000000ABCD")
            d.string(subject)
            d.i32(123_456); d.f32(0.5); d.i32(60); d.i32(1)
            d.u8(count ?? UInt8(values.count))
            for v in values { d.f32(v) }
            return d.bytes
        }
    }

    /// Live Link Face's value order, written out here from the app's CSV header.
    static let appOrder = """
        EyeBlinkLeft EyeLookDownLeft EyeLookInLeft EyeLookOutLeft EyeLookUpLeft EyeSquintLeft EyeWideLeft \
        EyeBlinkRight EyeLookDownRight EyeLookInRight EyeLookOutRight EyeLookUpRight EyeSquintRight EyeWideRight \
        JawForward JawRight JawLeft JawOpen MouthClose MouthFunnel MouthPucker MouthRight MouthLeft MouthSmileLeft \
        MouthSmileRight MouthFrownLeft MouthFrownRight MouthDimpleLeft MouthDimpleRight MouthStretchLeft \
        MouthStretchRight MouthRollLower MouthRollUpper MouthShrugLower MouthShrugUpper MouthPressLeft \
        MouthPressRight MouthLowerDownLeft MouthLowerDownRight MouthUpperUpLeft MouthUpperUpRight BrowDownLeft \
        BrowDownRight BrowInnerUp BrowOuterUpLeft BrowOuterUpRight CheekPuff CheekSquintLeft CheekSquintRight \
        NoseSneerLeft NoseSneerRight TongueOut HeadYaw HeadPitch HeadRoll LeftEyeYaw LeftEyePitch LeftEyeRoll \
        RightEyeYaw RightEyePitch RightEyeRoll
        """.split(separator: " ").map(String.init)

    func values(_ named: [String: Float]) -> [Float] {
        Self.appOrder.map { named[$0] ?? 0 }
    }

    func testDecodesEveryFieldOfAVersion6Datagram() throws {
        let values = (0..<61).map { Float($0) / 100 }
        let packet = try LiveLinkPacket(decoding: Datagram.make(subject: "Anna's iPhone", values: values))
        XCTAssertEqual(packet.version, 6)
        XCTAssertEqual(packet.deviceID, "6A1B2C3D-0000-4000-8000-00000000ABCD")
        XCTAssertEqual(packet.subject, "Anna's iPhone")
        XCTAssertEqual(packet.frame, 123_456)
        XCTAssertEqual(packet.subFrame, 0.5)
        XCTAssertEqual(packet.frameRate.numerator, 60)
        XCTAssertEqual(packet.frameRate.denominator, 1)
        XCTAssertEqual(packet.values, values)
        XCTAssertEqual(LiveLinkFace.names, Self.appOrder)
    }

    func testNamesLandOnTheirARKitWeightsWhateverTheAppOrder() throws {
        // JawRight comes before JawLeft and MouthRight before MouthLeft in the app's order.
        let packet = try LiveLinkPacket(decoding: Datagram.make(values: values(
            ["JawLeft": 0.1, "JawRight": 0.2, "MouthLeft": 0.3, "MouthRight": 0.4, "JawOpen": 0.9, "TongueOut": 0.6,
             "EyeBlinkRight": 0.7])))
        guard case let .arkit(a) = packet.driveInput else { return XCTFail("expected ARKit values") }
        XCTAssertEqual(a.weights.count, 52)
        let expect: [String: Float] = ["jawLeft": 0.1, "jawRight": 0.2, "mouthLeft": 0.3, "mouthRight": 0.4,
                                       "jawOpen": 0.9, "tongueOut": 0.6, "eyeBlinkRight": 0.7]
        for (i, name) in ARKitNames.all.enumerated() {
            XCTAssertEqual(a.weights[i], expect[name] ?? 0, name)
        }
        XCTAssertEqual(a.headRotation, .zero)
    }

    func testHeadAnglesBecomeTheHeadRotation() throws {
        // +0.5 yaw = 45° toward the subject's left: a rotation about +y.
        let packet = try LiveLinkPacket(decoding: Datagram.make(values: values(["HeadYaw": 0.5])))
        guard case let .arkit(a) = packet.driveInput, let r = a.headRotation else { return XCTFail("no head rotation") }
        XCTAssertEqual(r.y, .pi / 4, accuracy: 1e-5)
        XCTAssertEqual(r.x, 0, accuracy: 1e-6)
        XCTAssertEqual(r.z, 0, accuracy: 1e-6)
        let pitched = try LiveLinkPacket(decoding: Datagram.make(values: values(["HeadPitch": -0.2])))
        guard case let .arkit(p) = pitched.driveInput, let rp = p.headRotation else { return XCTFail("no head rotation") }
        XCTAssertEqual(rp.x, -0.2 * .pi / 2, accuracy: 1e-5)
    }

    func testBlendshapesOnlyDatagramHasNoHeadRotation() throws {
        let packet = try LiveLinkPacket(decoding: Datagram.make(values: [Float](repeating: 0.25, count: 52)))
        guard case let .arkit(a) = packet.driveInput else { return XCTFail("expected ARKit values") }
        XCTAssertNil(a.headRotation)
        XCTAssertEqual(a.weights, [Float](repeating: 0.25, count: 52))
    }

    func testRefusesWhatDoesNotMatchTheLayout() {
        func refused(_ bytes: [UInt8], _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try LiveLinkPacket(decoding: bytes), file: file, line: line) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) does not say \(expected)", file: file, line: line)
            }
        }
        let good = Datagram.make(values: values([:]))
        refused([], "packet version")
        refused(Array(good.prefix(good.count - 1)), "value 60 (RightEyeRoll)")
        refused(Array(good.prefix(20)), "device id")
        refused(Datagram.make(values: [], count: 0), "value count 0")
        refused(Datagram.make(values: values([:]), count: 255), "value count 255")
        refused(Datagram.make(values: [Float](repeating: 0, count: 60)), "value count 60")
        refused(good + [0, 0, 0, 0], "4 bytes after the end")
        refused(good + [UInt8](repeating: 7, count: 9000), "9000 bytes after the end")
        refused(Datagram.make(values: values(["JawOpen": .nan])), "JawOpen is NaN")
        refused(Datagram.make(values: values(["HeadYaw": .infinity])), "HeadYaw is NaN or infinite")
        var hugeName = Datagram()
        hugeName.u8(6); hugeName.i32(Int32.max)
        refused(hugeName.bytes, "device id is 2147483647 bytes long")
        var negative = Datagram()
        negative.u8(6); negative.i32(-5)
        refused(negative.bytes, "device id is -5 bytes long")
        var notUTF8 = Datagram()
        notUTF8.u8(6); notUTF8.string("x"); notUTF8.i32(2); notUTF8.bytes += [0xFF, 0xFE]
        refused(notUTF8.bytes, "subject name is not UTF-8")
    }

    func testBytesAreTheDocumentedLayout() throws {
        let packet = LiveLinkPacket(deviceID: "6A1B2C3D-0000-4000-8000-00000000ABCD", subject: "s", frame: 123_456,
                                    subFrame: 0.5, frameRate: (60, 1), values: values(["JawOpen": 1]))
        XCTAssertEqual(packet.bytes, Datagram.make(subject: "s", values: values(["JawOpen": 1])))
        XCTAssertEqual(try LiveLinkPacket(decoding: packet.bytes), packet)
    }

    /// Random and mutated datagrams: every one decodes or throws a `TrackerError`; none crashes.
    func testFuzzedDatagramsNeverCrash() {
        var random = SplitMix64(seed: 0x11111)
        let good = Datagram.make(values: values(["JawOpen": 0.5]))
        var decoded = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = good
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    let i = Int(random.next() % UInt64(bytes.count))
                    bytes[i] = UInt8(truncatingIfNeeded: random.next())
                }
                if random.next() % 4 == 0 { bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count)))) }
            } else {
                bytes = (0..<Int(random.next() % 400)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            do {
                _ = try LiveLinkPacket(decoding: bytes)
                decoded += 1
            } catch {
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
        XCTAssertGreaterThan(decoded, 100, "mutated values of a good datagram still decode")
    }
}
