import FrameEncoder
import XCTest

final class PNGDecoderTests: XCTestCase {
    private func encodedRGBA(width: Int = 9, height: Int = 7) throws -> ([UInt8], [UInt8]) {
        let pixels = TestImages.gradientNoise(width: width, height: height, layout: .rgba8)
        var encoder = try PNGEncoder()
        return (pixels, try encoder.encode(pixels, width: width, height: height, layout: .rgba8))
    }

    func testDecodesAHandMadeRGBFile() throws {
        let rows: [[UInt8]] = [[255, 0, 0, 0, 255, 0], [0, 0, 255, 10, 20, 30]]
        let png = HandMadePNG.make(width: 2, height: 2, colorType: 2, rows: rows)
        let image = try PNGDecoder.decode(png)
        XCTAssertEqual(image, DecodedImage(width: 2, height: 2, layout: .rgb8, pixels: rows.flatMap { $0 }))
    }

    func testExpandsGreyToRGB() throws {
        let png = HandMadePNG.make(width: 3, height: 1, colorType: 0, rows: [[0, 128, 255]])
        let image = try PNGDecoder.decode(png)
        XCTAssertEqual(image.layout, .rgb8)
        XCTAssertEqual(image.pixels, [0, 0, 0, 128, 128, 128, 255, 255, 255])
    }

    func testExpandsPaletteAndTransparency() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255]
        let plain = HandMadePNG.make(
            width: 3, height: 1, colorType: 3, extraChunks: [("PLTE", palette)], rows: [[2, 1, 0]])
        XCTAssertEqual(try PNGDecoder.decode(plain).pixels, [0, 0, 255, 0, 255, 0, 255, 0, 0])

        let transparent = HandMadePNG.make(
            width: 3, height: 1, colorType: 3, extraChunks: [("PLTE", palette), ("tRNS", [0, 255, 255])],
            rows: [[0, 1, 2]])
        let image = try PNGDecoder.decode(transparent)
        XCTAssertEqual(image.layout, .rgba8)
        XCTAssertEqual(image.pixels, [255, 0, 0, 0, 0, 255, 0, 255, 0, 0, 255, 255])
    }

    func testDecodesRGBAsRGBAWithOpaqueAlpha() throws {
        let pixels = TestImages.gradientNoise(width: 6, height: 5, layout: .rgb8)
        var encoder = try PNGEncoder()
        let png = try encoder.encode(pixels, width: 6, height: 5, layout: .rgb8)
        let image = try PNGDecoder.decode(png, as: .rgba8)
        XCTAssertEqual(image.layout, .rgba8)
        for pixel in 0..<30 {
            XCTAssertEqual(Array(image.pixels[pixel * 4..<pixel * 4 + 3]), Array(pixels[pixel * 3..<pixel * 3 + 3]))
            XCTAssertEqual(image.pixels[pixel * 4 + 3], 255)
        }
    }

    func testDecodesRGBAAsRGBOntoBlack() throws {
        // Alternate fully opaque and fully transparent pixels.
        var pixels: [UInt8] = []
        for i in 0..<20 { pixels += [UInt8(10 * i), 200, UInt8(255 - 10 * i), i % 2 == 0 ? 255 : 0] }
        var encoder = try PNGEncoder()
        let png = try encoder.encode(pixels, width: 5, height: 4, layout: .rgba8)
        let image = try PNGDecoder.decode(png, as: .rgb8)
        XCTAssertEqual(image.layout, .rgb8)
        for i in 0..<20 {
            let expected: [UInt8] = i % 2 == 0 ? Array(pixels[i * 4..<i * 4 + 3]) : [0, 0, 0]
            XCTAssertEqual(Array(image.pixels[i * 3..<i * 3 + 3]), expected, "pixel \(i)")
        }
    }

    func testAcceptsSlicesAndRawBuffers() throws {
        let (pixels, png) = try encodedRGBA()
        let padded = [0xAA] + png + [0xBB]
        XCTAssertEqual(try PNGDecoder.decode(padded[1..<padded.count - 1]).pixels, pixels)
        XCTAssertEqual(try png.withUnsafeBytes { try PNGDecoder.decode($0) }.pixels, pixels)
        XCTAssertEqual(try PNGDecoder.decode(AnyCollection(png)).pixels, pixels, "non-contiguous collection")
    }

    func testRejectsEmptyInput() {
        XCTAssertThrowsError(try PNGDecoder.decode([UInt8]())) {
            XCTAssertEqual($0 as? EncoderError, .corruptInput(format: "PNG", message: "no bytes"))
        }
    }

    func testRejectsBytesThatAreNotPNG() {
        let jpegish: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0, count: 60)
        XCTAssertThrowsError(try PNGDecoder.decode(jpegish)) { error in
            guard case let .corruptInput(format, message)? = error as? EncoderError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(format, "PNG")
            XCTAssertFalse(message.isEmpty)
        }
    }

    func testRejectsTruncatedFiles() throws {
        let (_, png) = try encodedRGBA(width: 64, height: 64)
        for length in [8, 20, 40, png.count / 2, png.count - 13] {
            XCTAssertThrowsError(try PNGDecoder.decode(png.prefix(length)), "truncated to \(length)") {
                guard case .corruptInput? = $0 as? EncoderError else { return XCTFail("unexpected \($0)") }
            }
        }
    }

    func testRejectsACorruptImageDataChunk() throws {
        let (_, png) = try encodedRGBA(width: 64, height: 64)
        let idat = try XCTUnwrap(HandMadePNG.chunks(of: png).first { $0.type == "IDAT" })
        var damaged = png
        damaged[idat.offset + 8 + idat.length / 2] ^= 0x5A
        XCTAssertThrowsError(try PNGDecoder.decode(damaged)) {
            guard case let .corruptInput(_, message)? = $0 as? EncoderError else { return XCTFail("unexpected \($0)") }
            XCTAssertTrue(message.lowercased().contains("crc"), message)
        }
    }

    func testRejectsImagesLargerThanTheLimit() {
        let png = HandMadePNG.make(width: FrameGeometry.maxDimension + 1, height: 1, colorType: 0, rows: [])
        XCTAssertThrowsError(try PNGDecoder.decode(png)) {
            XCTAssertEqual($0 as? EncoderError, .invalidDimensions(width: FrameGeometry.maxDimension + 1, height: 1))
        }
    }
}
