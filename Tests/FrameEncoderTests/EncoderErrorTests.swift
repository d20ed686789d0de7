import FrameEncoder
import XCTest

/// Every encoder rejects bad frames with the same typed errors, leaves `output` empty, and
/// every error explains itself.
final class EncoderErrorTests: XCTestCase {
    private func encoders() throws -> [any FrameEncoding] {
        [try PNGEncoder(), try PNGEncoder(level: 9, filter: .adaptive), try JPEGEncoder(), RawEncoder()]
    }

    private func assertEncodeThrows(
        _ expected: EncoderError, bytes: Int, width: Int, height: Int, layout: PixelLayout,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let pixels = [UInt8](repeating: 77, count: bytes)
        for var encoder in try encoders() {
            var output: [UInt8] = [1, 2, 3]
            XCTAssertThrowsError(
                try pixels.withUnsafeBytes {
                    try encoder.encode($0, width: width, height: height, layout: layout, into: &output)
                }, "\(encoder.codec)", file: file, line: line
            ) {
                XCTAssertEqual($0 as? EncoderError, expected, "\(encoder.codec)", file: file, line: line)
            }
            XCTAssertEqual(output, [], "output cleared after a throw (\(encoder.codec))", file: file, line: line)
        }
    }

    func testInvalidDimensions() throws {
        let max = FrameGeometry.maxDimension
        for (width, height) in [(0, 1), (1, 0), (0, 0), (-3, 4), (4, -3), (max + 1, 1), (1, max + 1), (Int.max, Int.max), (Int.min, 2)] {
            try assertEncodeThrows(.invalidDimensions(width: width, height: height), bytes: 12, width: width, height: height, layout: .rgb8)
        }
    }

    func testBufferSizeMismatch() throws {
        for layout in PixelLayout.allCases {
            let expected = 17 * 3 * layout.bytesPerPixel
            for actual in [0, expected - 1, expected + 1, 17 * 3 * (7 - layout.bytesPerPixel)] {
                try assertEncodeThrows(
                    .bufferSizeMismatch(expected: expected, actual: actual, width: 17, height: 3, layout: layout),
                    bytes: actual, width: 17, height: 3, layout: layout)
            }
        }
    }

    func testLargestFrameSizeIsAccepted() throws {
        XCTAssertEqual(
            try FrameGeometry.byteCount(width: FrameGeometry.maxDimension, height: FrameGeometry.maxDimension, layout: .rgba8),
            1 << 30)
        var encoder = RawEncoder()
        let pixels = [UInt8](repeating: 5, count: FrameGeometry.maxDimension * 3)
        XCTAssertEqual(try encoder.encode(pixels, width: FrameGeometry.maxDimension, height: 1, layout: .rgb8).count, pixels.count)
    }

    func testDescriptionsAreActionable() {
        let cases: [(EncoderError, [String])] = [
            (.invalidDimensions(width: 0, height: 480), ["0×480", "1...16384"]),
            (.bufferSizeMismatch(expected: 12, actual: 10, width: 2, height: 2, layout: .rgb8),
             ["10 bytes", "2×2 rgb8", "exactly 12", "× 3"]),
            (.invalidPNGLevel(12), ["12", "0", "9"]),
            (.invalidJPEGQuality(0), ["quality 0", "1 ... 100"]),
            (.invalidCodec("gif", reason: "unknown codec name \"gif\""), ["\"gif\"", "png:<level 0-9>", "jpeg:<quality 1-100>", "raw"]),
            (.unknownFileExtension("a.gif"), ["a.gif", ".png", ".jpg"]),
            (.libraryFailure(library: "libturbojpeg", message: "No error"), ["libturbojpeg failed", "No error"]),
            (.corruptInput(format: "PNG", message: "IDAT: CRC error"), ["PNG", "IDAT: CRC error"]),
        ]
        for (error, fragments) in cases {
            for fragment in fragments {
                XCTAssertTrue(error.description.contains(fragment), "\"\(error.description)\" lacks \"\(fragment)\"")
            }
            XCTAssertEqual(String(describing: error), error.description)
        }
    }
}
