import Foundation
import XCTest
import SplatIO

/// Reading and writing `.npy`.
final class NPYFileTests: XCTestCase {
    /// A `.npy` file with the given version and header text (padded and newline-terminated).
    private func npy(version: UInt8 = 1, header: String, body: [UInt8]) -> Data {
        var h = Array(header.utf8)
        let preamble = version == 1 ? 10 : 12
        while (preamble + h.count + 1) % 64 != 0 { h.append(0x20) }
        h.append(0x0A)
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
        bytes += version == 1 ? le(UInt16(h.count)) : le(UInt32(h.count))
        return Data(bytes + h + body)
    }

    func testRoundTripEveryDtypeAndShape() throws {
        let arrays: [NPYArray] = [
            NPYArray(shape: [2, 3], floats: [1, 2, 3, 4, 5, 6]),
            NPYArray(shape: [], doubles: [3.25]),
            NPYArray(shape: [0], int32s: []),
            NPYArray(shape: [2, 1, 2], ints: [1, -2, 3, -4]),
            NPYArray(shape: [4], uint8s: [0, 1, 254, 255]),
            NPYArray(shape: [2], bools: [false, true]),
        ] + NPYDType.allCases.map { t in
            NPYArray(shape: [3], dtype: t, bytes: (0..<(3 * t.itemSize)).map { UInt8($0 % 2) })
        }
        for a in arrays {
            let data = NPYFile.data(for: a)
            XCTAssertEqual(data.count % 64, a.bytes.count % 64, "header padded to 64")
            XCTAssertEqual(try NPYFile.read(data), a)
        }
    }

    func testFileRoundTrip() throws {
        let dir = try makeTemporaryDirectory(self)
        let url = dir.appendingPathComponent("a.npy")
        let a = NPYArray(shape: [5143, 3], floats: (0..<(5143 * 3)).map { Float($0) * 0.5 })
        try NPYFile.write(a, to: url)
        XCTAssertEqual(try NPYFile.read(contentsOf: url), a)
    }

    func testVersions2And3() throws {
        let body = le([Float(1), 2])
        for version: UInt8 in [2, 3] {
            let data = npy(version: version, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", body: body)
            XCTAssertEqual(try NPYFile.read(data).floats(), [1, 2])
        }
        assertSplatIOError(try NPYFile.read(npy(version: 4, header: "{}", body: []))) {
            if case .malformedNPY = $0 { return true } else { return false }
        }
    }

    func testHeaderVariants() throws {
        // Any key order, double quotes, no trailing comma.
        let data = npy(header: "{\"shape\": (2, 2), \"fortran_order\": False, \"descr\": \"<i4\"}",
                       body: le(Int32(1)) + le(Int32(2)) + le(Int32(3)) + le(Int32(4)))
        let a = try NPYFile.read(data)
        XCTAssertEqual(a.shape, [2, 2])
        XCTAssertEqual(try a.int32s(), [1, 2, 3, 4])
        // `=` (native) and `|` for one-byte types.
        XCTAssertEqual(try NPYFile.read(npy(header: "{'descr': '=f8', 'fortran_order': False, 'shape': ()}", body: le(2.5))).doubles(), [2.5])
        XCTAssertEqual(try NPYFile.read(npy(header: "{'descr': '>u1', 'fortran_order': False, 'shape': (1,)}", body: [9])).floats(), [9])
    }

    func testFortranOrderIsTransposed() throws {
        // C-order [[0, 1, 2], [3, 4, 5]] stored column-major: 0 3 1 4 2 5.
        let body = [0, 3, 1, 4, 2, 5].flatMap { le(Int32($0)) }
        let a = try NPYFile.read(npy(header: "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", body: body))
        XCTAssertEqual(a.shape, [2, 3])
        XCTAssertEqual(try a.int32s(), [0, 1, 2, 3, 4, 5])
    }

    func testBigEndianIsRefused() throws {
        let data = npy(header: "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", body: [0, 0, 0, 0])
        let error = assertSplatIOError(try NPYFile.read(data, path: "be.npy")) {
            if case .unsupportedDType = $0 { return true } else { return false }
        }
        XCTAssertTrue(error?.description.contains("big-endian") ?? false)
    }

    func testMalformedHeaders() throws {
        let bad: [String] = [
            "{'descr': '<f4', 'fortran_order': False}",                           // no shape
            "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",           // negative dimension
            "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",                // not a bool
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",    // unknown key
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1,",              // unterminated
            "['descr']",                                                          // not a dict
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}",  // too big for Int
        ]
        for header in bad {
            assertSplatIOError(try NPYFile.read(npy(header: header, body: le([Float(1)])))) {
                if case .malformedNPY = $0 { return true } else { return false }
            }
        }
        for descr in ["'<c8'", "'O'", "[('a', '<f4')]", "'<U3'", "'<f2'"] {
            let header = "{'descr': \(descr), 'fortran_order': False, 'shape': (1,)}"
            assertSplatIOError(try NPYFile.read(npy(header: header, body: le([Float(1)])))) {
                if case .unsupportedDType = $0 { return true } else { return false }
            }
        }
        assertSplatIOError(try NPYFile.read(Data("not numpy at all".utf8))) {
            if case .malformedNPY = $0 { return true } else { return false }
        }
    }

    func testTruncationAndAbsurdSizes() throws {
        let good = NPYFile.data(for: NPYArray(shape: [4], floats: [1, 2, 3, 4]))
        assertSplatIOError(try NPYFile.read(good.dropLast(1))) { if case .truncated = $0 { return true } else { return false } }
        assertSplatIOError(try NPYFile.read(good.prefix(9))) { if case .truncated = $0 { return true } else { return false } }
        assertSplatIOError(try NPYFile.read(good.prefix(40))) { if case .truncated = $0 { return true } else { return false } }
        let huge = npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296)}", body: [])
        assertSplatIOError(try NPYFile.read(huge)) {
            if case .countTooLarge = $0 { return true } else { return false }
        }
        let large = npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000)}", body: [])
        assertSplatIOError(try NPYFile.read(large)) { if case .truncated = $0 { return true } else { return false } }
        // Header length field pointing past the end.
        var bytes = [UInt8](good)
        bytes[8] = 0xFF; bytes[9] = 0xFF
        assertSplatIOError(try NPYFile.read(Data(bytes))) { if case .truncated = $0 { return true } else { return false } }
    }
}
