import CTurboJPEG
import FrameEncoder
import SplatCore
import SplatIO
import XCTest

final class JPEGEncoderTests: XCTestCase {
    private func roundTripError(quality: Int, pixels: [UInt8], width: Int, height: Int) throws -> Double {
        var encoder = try JPEGEncoder(quality: quality)
        let jpeg = try encoder.encode(pixels, width: width, height: height, layout: .rgb8)
        let decoded = try JPEGDecoder.decode(jpeg)
        XCTAssertEqual(decoded.width, width)
        XCTAssertEqual(decoded.height, height)
        return TestImages.meanAbsoluteError(decoded.pixels, pixels)
    }

    func testSmoothImageRoundTripsWithinTolerance() throws {
        let pixels = TestImages.smooth(width: 256, height: 192)
        let error = try roundTripError(quality: 90, pixels: pixels, width: 256, height: 192)
        XCTAssertLessThan(error, 3, "mean absolute error at q90")
    }

    func testHigherQualityHasLowerError() throws {
        let pixels = TestImages.gradientNoise(width: 128, height: 96, layout: .rgb8, noise: 6)
        let low = try roundTripError(quality: 20, pixels: pixels, width: 128, height: 96)
        let high = try roundTripError(quality: 95, pixels: pixels, width: 128, height: 96)
        XCTAssertLessThan(high, low * 0.7, "q95 error \(high) vs q20 error \(low)")
    }

    func testHigherQualityIsLarger() throws {
        let pixels = TestImages.smooth(width: 128, height: 128)
        var low = try JPEGEncoder(quality: 20)
        var high = try JPEGEncoder(quality: 95)
        XCTAssertLessThan(
            try low.encode(pixels, width: 128, height: 128, layout: .rgb8).count,
            try high.encode(pixels, width: 128, height: 128, layout: .rgb8).count)
    }

    func testOddSizesRoundTrip() throws {
        for (width, height) in [(1, 1), (17, 3), (3, 17), (513, 257)] {
            let pixels = TestImages.smooth(width: width, height: height)
            let error = try roundTripError(quality: 95, pixels: pixels, width: width, height: height)
            XCTAssertLessThan(error, 6, "\(width)×\(height)")
        }
    }

    func testRGBAInputIgnoresAlpha() throws {
        let rgba = TestImages.gradientNoise(width: 48, height: 32, layout: .rgba8, noise: 4)
        let rgb = TestImages.dropAlpha(rgba)
        let encoder = try JPEGEncoder(quality: 85)
        var fromRGBA: [UInt8] = []
        var fromRGB: [UInt8] = []
        try rgba.withUnsafeBytes { try encoder.encode($0, width: 48, height: 32, layout: .rgba8, into: &fromRGBA) }
        try rgb.withUnsafeBytes { try encoder.encode($0, width: 48, height: 32, layout: .rgb8, into: &fromRGB) }
        XCTAssertEqual(fromRGBA, fromRGB)
    }

    func testWritesBaselineJPEGWith420Subsampling() throws {
        var encoder = try JPEGEncoder()
        XCTAssertEqual(encoder.codec, .defaultJPEG)
        let jpeg = try encoder.encode(TestImages.smooth(width: 64, height: 48), width: 64, height: 48, layout: .rgb8)
        XCTAssertEqual(Array(jpeg.prefix(2)), [0xFF, 0xD8], "SOI")
        XCTAssertEqual(Array(jpeg.suffix(2)), [0xFF, 0xD9], "EOI")

        let handle = try XCTUnwrap(tjInitDecompress())
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = -1, colorspace: Int32 = -1
        XCTAssertEqual(tjDecompressHeader3(handle, jpeg, UInt(jpeg.count), &width, &height, &subsampling, &colorspace), 0)
        XCTAssertEqual([width, height], [64, 48])
        XCTAssertEqual(subsampling, Int32(TJSAMP_420.rawValue))
        XCTAssertEqual(colorspace, Int32(TJCS_YCbCr.rawValue))
    }

    func testReusesOutputAcrossFramesAndSizes() throws {
        let encoder = try JPEGEncoder(quality: 80)
        let small = TestImages.smooth(width: 32, height: 32)
        let large = TestImages.smooth(width: 320, height: 200)
        var output: [UInt8] = []
        try large.withUnsafeBytes { try encoder.encode($0, width: 320, height: 200, layout: .rgb8, into: &output) }
        let largeJPEG = output.map { $0 }  // a real copy, so `output` stays uniquely referenced
        let storage = output.withUnsafeBufferPointer { $0.baseAddress }
        try small.withUnsafeBytes { try encoder.encode($0, width: 32, height: 32, layout: .rgb8, into: &output) }
        XCTAssertEqual(try JPEGDecoder.decode(output).width, 32)
        XCTAssertEqual(output.withUnsafeBufferPointer { $0.baseAddress }, storage, "capacity kept")
        try large.withUnsafeBytes { try encoder.encode($0, width: 320, height: 200, layout: .rgb8, into: &output) }
        XCTAssertEqual(output, largeJPEG, "deterministic, no stale bytes")
        XCTAssertEqual(output.withUnsafeBufferPointer { $0.baseAddress }, storage)
    }

    func testWorstCaseNoiseFitsTheScratchBuffer() throws {
        // Full-range noise at q100 produces the largest JPEGs; TJFLAG_NOREALLOC must not fail.
        var rng = SplitMix64(seed: 99)
        let pixels = (0..<(61 * 47 * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var encoder = try JPEGEncoder(quality: 100)
        let jpeg = try encoder.encode(pixels, width: 61, height: 47, layout: .rgb8)
        XCTAssertEqual(try JPEGDecoder.decode(jpeg).pixels.count, pixels.count)
    }

    func testRejectsInvalidQualities() {
        for quality in [0, -5, 101] {
            XCTAssertThrowsError(try JPEGEncoder(quality: quality)) {
                XCTAssertEqual($0 as? EncoderError, .invalidJPEGQuality(quality))
            }
        }
        XCTAssertNoThrow(try JPEGEncoder(quality: 1))
        XCTAssertNoThrow(try JPEGEncoder(quality: 100))
    }
}
