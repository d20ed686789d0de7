import CTurboJPEG
import FrameEncoder
import XCTest

final class JPEGDecoderTests: XCTestCase {
    private func jpeg(width: Int = 64, height: Int = 64) throws -> [UInt8] {
        var encoder = try JPEGEncoder(quality: 90)
        return try encoder.encode(TestImages.smooth(width: width, height: height), width: width, height: height, layout: .rgb8)
    }

    /// Compresses with libturbojpeg directly, for formats `JPEGEncoder` does not write.
    private func compress(_ pixels: [UInt8], width: Int, height: Int, format: TJPF, subsampling: TJSAMP) throws -> [UInt8] {
        let handle = try XCTUnwrap(tjInitCompress())
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = tjCompress2(
            handle, pixels, Int32(width), 0, Int32(height), Int32(format.rawValue), &buffer, &size,
            Int32(subsampling.rawValue), 90, 0)
        defer { tjFree(buffer) }
        XCTAssertEqual(status, 0, String(cString: tjGetErrorStr2(handle)))
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

    func testDecodesToRGBByDefaultAndToRGBAOnRequest() throws {
        let bytes = try jpeg()
        let rgb = try JPEGDecoder.decode(bytes)
        XCTAssertEqual(rgb.layout, .rgb8)
        XCTAssertEqual(rgb.pixels.count, 64 * 64 * 3)
        let rgba = try JPEGDecoder.decode(bytes, as: .rgba8)
        XCTAssertEqual(rgba.layout, .rgba8)
        XCTAssertEqual(TestImages.dropAlpha(rgba.pixels), rgb.pixels)
        XCTAssertTrue(stride(from: 3, to: rgba.pixels.count, by: 4).allSatisfy { rgba.pixels[$0] == 255 })
    }

    func testExpandsGreyscaleJPEG() throws {
        let grey = (0..<(16 * 8)).map { UInt8($0 * 2) }
        let bytes = try compress(grey, width: 16, height: 8, format: TJPF_GRAY, subsampling: TJSAMP_GRAY)
        let image = try JPEGDecoder.decode(bytes)
        XCTAssertEqual(image.layout, .rgb8)
        for i in 0..<(16 * 8) {
            XCTAssertEqual(image.pixels[3 * i], image.pixels[3 * i + 1])
            XCTAssertEqual(image.pixels[3 * i], image.pixels[3 * i + 2])
            XCTAssertLessThanOrEqual(abs(Int(image.pixels[3 * i]) - Int(grey[i])), 4)
        }
    }

    func testAcceptsSlicesAndRawBuffers() throws {
        let bytes = try jpeg()
        let expected = try JPEGDecoder.decode(bytes)
        let padded = [0] + bytes + [0]
        XCTAssertEqual(try JPEGDecoder.decode(padded[1..<padded.count - 1]), expected)
        XCTAssertEqual(try bytes.withUnsafeBytes { try JPEGDecoder.decode($0) }, expected)
    }

    func testRejectsEmptyInput() {
        XCTAssertThrowsError(try JPEGDecoder.decode([UInt8]())) {
            XCTAssertEqual($0 as? EncoderError, .corruptInput(format: "JPEG", message: "no bytes"))
        }
    }

    func testRejectsBytesThatAreNotJPEG() {
        XCTAssertThrowsError(try JPEGDecoder.decode(HandMadePNG.signature + Array(repeating: 7, count: 100))) { error in
            guard case let .corruptInput(format, message)? = error as? EncoderError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(format, "JPEG")
            XCTAssertFalse(message.isEmpty)
        }
    }

    func testRejectsTruncatedFiles() throws {
        let bytes = try jpeg(width: 128, height: 128)
        for length in [2, 30, bytes.count / 2, bytes.count - 2] {
            XCTAssertThrowsError(try JPEGDecoder.decode(bytes.prefix(length)), "truncated to \(length)") {
                guard case .corruptInput? = $0 as? EncoderError else { return XCTFail("unexpected \($0)") }
            }
        }
    }

    func testRejectsImagesLargerThanTheLimit() throws {
        let width = FrameGeometry.maxDimension + 1
        let bytes = try compress(
            [UInt8](repeating: 128, count: width * 8), width: width, height: 8, format: TJPF_GRAY, subsampling: TJSAMP_GRAY)
        XCTAssertThrowsError(try JPEGDecoder.decode(bytes)) {
            XCTAssertEqual($0 as? EncoderError, .invalidDimensions(width: width, height: 8))
        }
    }
}
