import FrameEncoder
import XCTest

final class RawEncoderTests: XCTestCase {
    func testCopiesThePixelsUnchanged() throws {
        for layout in PixelLayout.allCases {
            for (width, height) in [(1, 1), (17, 3), (512, 512)] {
                let pixels = TestImages.gradientNoise(width: width, height: height, layout: layout)
                var encoder = RawEncoder()
                XCTAssertEqual(try encoder.encode(pixels, width: width, height: height, layout: layout), pixels)
            }
        }
    }

    func testReplacesPreviousOutputAndKeepsCapacity() throws {
        let encoder = RawEncoder()
        var output = [UInt8](repeating: 9, count: 100)
        let storage = output.withUnsafeBufferPointer { $0.baseAddress }
        let pixels: [UInt8] = [1, 2, 3, 4, 5, 6]
        try pixels.withUnsafeBytes { try encoder.encode($0, width: 2, height: 1, layout: .rgb8, into: &output) }
        XCTAssertEqual(output, pixels)
        XCTAssertEqual(output.withUnsafeBufferPointer { $0.baseAddress }, storage)
        XCTAssertEqual(encoder.codec, .raw)
    }
}
