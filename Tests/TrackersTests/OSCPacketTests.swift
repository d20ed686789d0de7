import SplatCore
import Trackers
import XCTest

final class OSCPacketTests: XCTestCase {
    func testReadsAMessageWithEveryVMCArgumentType() throws {
        let bytes = OSCBytes.message("/VMC/Ext/OK", .i(1), .f(0.25), .s("root"), .b([1, 2, 3]), .t, .n)
        let messages = try OSCPacket.messages(in: bytes)
        XCTAssertEqual(messages, [OSCMessage(address: "/VMC/Ext/OK",
                                             arguments: [.int(1), .float(0.25), .string("root"), .blob([1, 2, 3]), .bool(true), .other("N")])])
    }

    func testFlattensNestedBundlesInOrder() throws {
        let inner = OSCBytes.bundle(OSCBytes.val("A", 1), OSCBytes.val("Blink", 0.5))
        let outer = OSCBytes.bundle(OSCBytes.message("/VMC/Ext/T", .f(12.5)), inner, OSCBytes.apply)
        let messages = try OSCPacket.messages(in: outer)
        XCTAssertEqual(messages.map(\.address), ["/VMC/Ext/T", "/VMC/Ext/Blend/Val", "/VMC/Ext/Blend/Val", "/VMC/Ext/Blend/Apply"])
        XCTAssertEqual(messages[2].arguments, [.string("Blink"), .float(0.5)])
    }

    func testRefusesMalformedPackets() {
        func refused(_ bytes: [UInt8], _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try OSCPacket.messages(in: bytes), file: file, line: line) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) does not say \(expected)", file: file, line: line)
            }
        }
        refused([], "empty OSC packet")
        refused(Array("garbage".utf8), "not a multiple of 4")
        refused(OSCBytes.padded("noslash") + OSCBytes.padded(",f") + OSCBytes.be(0), "does not start with /")
        refused(OSCBytes.padded("/a") + OSCBytes.padded("f") + OSCBytes.be(0), "do not start with ,")
        refused(OSCBytes.padded("/a") + OSCBytes.padded(",ff") + OSCBytes.be(0), "ends inside an argument of type f")
        refused(OSCBytes.padded("/a") + OSCBytes.padded(",x"), "unknown OSC type tag")
        refused(OSCBytes.padded("/a") + OSCBytes.padded(",f") + OSCBytes.be(0) + OSCBytes.be(0), "4 bytes after the end")
        refused(OSCBytes.padded("/a") + OSCBytes.padded(",b") + OSCBytes.be(1000), "ends inside an argument of type b")
        refused(Array(OSCBytes.padded("/abc").dropLast()) + [0x41, 0x41, 0x41, 0x41], "not a multiple of 4")
        var badSize = OSCBytes.bundle(OSCBytes.apply)
        badSize[19] = 200
        refused(badSize, "bundle element of 200 bytes")
        var deep = OSCBytes.apply
        for _ in 0..<10 { deep = OSCBytes.bundle(deep) }
        refused(deep, "nested deeper than 8")
    }

    /// Random bytes and mutations of a real VMC bundle: decoded or refused, never a crash.
    func testFuzzedPacketsNeverCrash() {
        var random = SplitMix64(seed: 0x39539)
        let good = OSCBytes.bundle(OSCBytes.bone("Head", (0, 0.1, 0, 0.995)), OSCBytes.val("A", 1),
                                   OSCBytes.bundle(OSCBytes.val("JawOpen", 0.5)), OSCBytes.apply)
        var decoded = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = good
                for _ in 0..<(1 + Int(random.next() % 3)) {
                    bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            } else {
                bytes = (0..<(4 * Int(random.next() % 64))).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                if random.next() % 2 == 0 { bytes = OSCBytes.padded("#bundle") + bytes }
            }
            var marionette = VMCMarionette()
            do {
                _ = try marionette.frames(for: OSCPacket.messages(in: bytes))
                decoded += 1
            } catch {
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
        XCTAssertGreaterThan(decoded, 100)
    }
}
