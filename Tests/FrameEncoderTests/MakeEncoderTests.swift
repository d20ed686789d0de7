import FrameEncoder
import XCTest

final class MakeEncoderTests: XCTestCase {
    func testMakesTheEncoderOfEachCodec() throws {
        XCTAssertTrue(try makeEncoder(for: .png(level: 6)) is PNGEncoder)
        XCTAssertTrue(try makeEncoder(for: .jpeg(quality: 70)) is JPEGEncoder)
        XCTAssertTrue(try makeEncoder(for: .raw) is RawEncoder)
        for codec in [FrameCodec.png(level: 6), .jpeg(quality: 70), .raw] {
            XCTAssertEqual(try makeEncoder(for: codec).codec, codec)
        }
    }

    func testEveryCodecRoundTripsThroughTheExistential() throws {
        let pixels = TestImages.smooth(width: 40, height: 24)
        for codec in [FrameCodec.defaultPNG, .defaultJPEG, .raw] {
            var encoder = try makeEncoder(for: codec)
            var output: [UInt8] = []
            try pixels.withUnsafeBytes { try encoder.encode($0, width: 40, height: 24, layout: .rgb8, into: &output) }
            let decoded: [UInt8]
            switch codec {
            case .png: decoded = try PNGDecoder.decode(output).pixels
            case .jpeg: decoded = try JPEGDecoder.decode(output).pixels
            case .raw: decoded = output
            }
            XCTAssertLessThan(TestImages.meanAbsoluteError(decoded, pixels), codec.isLossless ? 0.0001 : 3, "\(codec)")
        }
    }

    func testRejectsInvalidSettings() {
        XCTAssertThrowsError(try makeEncoder(for: .png(level: 12))) {
            XCTAssertEqual($0 as? EncoderError, .invalidPNGLevel(12))
        }
        XCTAssertThrowsError(try makeEncoder(for: .jpeg(quality: 0))) {
            XCTAssertEqual($0 as? EncoderError, .invalidJPEGQuality(0))
        }
    }
}
