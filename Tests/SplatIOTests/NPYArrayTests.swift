import Foundation
import XCTest
import SplatIO

/// `NPYArray` construction and conversions.
final class NPYArrayTests: XCTestCase {
    func testConstructorsAndConversions() throws {
        let f = NPYArray(shape: [2, 2], floats: [1, -2, 3.5, 0])
        XCTAssertEqual(f.dtype, .float32)
        XCTAssertEqual(f.count, 4)
        XCTAssertEqual(f.bytes.count, 16)
        XCTAssertEqual(f.floats(), [1, -2, 3.5, 0])
        XCTAssertEqual(f.doubles(), [1, -2, 3.5, 0])
        XCTAssertThrowsError(try f.int32s())  // 3.5 is not an integer
        XCTAssertEqual(try NPYArray(shape: [2], floats: [7, -8]).int32s(), [7, -8])

        let i = NPYArray(shape: [3], ints: [Int(Int32.max) + 1, -1, 0])
        XCTAssertEqual(i.dtype, .int64)
        XCTAssertEqual(try i.ints(), [Int(Int32.max) + 1, -1, 0])
        assertSplatIOError(try i.int32s()) { if case .valueNotRepresentable = $0 { return true } else { return false } }

        XCTAssertEqual(NPYArray(shape: [2], doubles: [0.1, 2]).floats(), [0.1, 2])
        XCTAssertEqual(try NPYArray(shape: [1, 3], int32s: [-5, 6, 7]).ints(), [-5, 6, 7])
        XCTAssertEqual(try NPYArray(shape: [2], uint8s: [255, 0]).int32s(), [255, 0])
        XCTAssertEqual(NPYArray(shape: [3], bools: [true, false, true]).floats(), [1, 0, 1])
    }

    func testZeroDimensionalAndEmpty() {
        let scalar = NPYArray(shape: [], doubles: [2.5])
        XCTAssertEqual(scalar.count, 1)
        XCTAssertEqual(scalar.floats(), [2.5])
        let empty = NPYArray(shape: [0, 3], floats: [])
        XCTAssertEqual(empty.count, 0)
        XCTAssertEqual(empty.floats(), [])
        XCTAssertEqual(try empty.ints(), [])
    }

    func testUnsignedAndSmallTypes() throws {
        let u64 = NPYArray(shape: [2], dtype: .uint64, bytes: le(UInt64.max) + le(UInt64(5)))
        XCTAssertThrowsError(try u64.ints())
        XCTAssertEqual(u64.doubles()[1], 5)
        let i16 = NPYArray(shape: [2], dtype: .int16, bytes: le(Int16(-300)) + le(Int16(300)))
        XCTAssertEqual(try i16.int32s(), [-300, 300])
        let u32 = NPYArray(shape: [1], dtype: .uint32, bytes: le(UInt32.max))
        XCTAssertEqual(try u32.ints(), [Int(UInt32.max)])
        XCTAssertThrowsError(try u32.int32s())
        let nan = NPYArray(shape: [1], floats: [.nan])
        XCTAssertThrowsError(try nan.ints())
    }
}
