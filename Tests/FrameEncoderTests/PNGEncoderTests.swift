import Dispatch
import FrameEncoder
import Synchronization
import XCTest

final class PNGEncoderTests: XCTestCase {
    private let sizes = [(1, 1), (17, 3), (3, 17), (512, 512)]

    func testRoundTripIsExactForRGBAndRGBAAtEveryTestedLevel() throws {
        for layout in PixelLayout.allCases {
            for (width, height) in sizes {
                let pixels = TestImages.gradientNoise(width: width, height: height, layout: layout)
                for level in [0, 1, 6, 9] {
                    var encoder = try PNGEncoder(level: level)
                    let png = try encoder.encode(pixels, width: width, height: height, layout: layout)
                    XCTAssertEqual(Array(png.prefix(8)), HandMadePNG.signature)
                    let decoded = try PNGDecoder.decode(png)
                    let context = "\(layout) \(width)×\(height) level \(level)"
                    XCTAssertEqual(decoded.width, width, context)
                    XCTAssertEqual(decoded.height, height, context)
                    XCTAssertEqual(decoded.layout, layout, context)
                    XCTAssertTrue(decoded.pixels == pixels, "pixels differ: \(context)")
                }
            }
        }
    }

    func testRoundTripIsExactWithEveryFilter() throws {
        for layout in PixelLayout.allCases {
            let pixels = TestImages.gradientNoise(width: 33, height: 20, layout: layout, seed: 7)
            for filter in PNGFilter.allCases {
                var encoder = try PNGEncoder(level: 1, filter: filter)
                let png = try encoder.encode(pixels, width: 33, height: 20, layout: layout)
                XCTAssertEqual(try PNGDecoder.decode(png).pixels, pixels, "\(layout) \(filter)")
            }
        }
    }

    func testWritesTheColourTypeOfTheLayoutAndNoAncillaryChunks() throws {
        for (layout, colorType) in [(PixelLayout.rgb8, UInt8(2)), (.rgba8, 6)] {
            var encoder = try PNGEncoder()
            let png = try encoder.encode(
                TestImages.gradientNoise(width: 5, height: 4, layout: layout), width: 5, height: 4, layout: layout)
            let chunks = HandMadePNG.chunks(of: png)
            XCTAssertEqual(chunks.first?.type, "IHDR")
            XCTAssertEqual(chunks.last?.type, "IEND")
            XCTAssertEqual(Set(chunks.map(\.type)), ["IHDR", "IDAT", "IEND"])
            let ihdr = chunks[0].offset + 8
            XCTAssertEqual(Array(png[ihdr..<ihdr + 8]), [0, 0, 0, 5, 0, 0, 0, 4])
            XCTAssertEqual(png[ihdr + 8], 8, "bit depth")
            XCTAssertEqual(png[ihdr + 9], colorType, "colour type for \(layout)")
            XCTAssertEqual(png[ihdr + 12], 0, "not interlaced")
        }
    }

    func testDefaultsAreLevelOneWithAFixedFilter() throws {
        let encoder = try PNGEncoder()
        XCTAssertEqual(encoder.level, 1)
        XCTAssertEqual(encoder.filter, PNGEncoder.defaultFilter)
        XCTAssertTrue([PNGFilter.sub, .up].contains(PNGEncoder.defaultFilter))
        XCTAssertEqual(encoder.codec, .png(level: 1))
        XCTAssertEqual(encoder.codec, FrameCodec.defaultPNG)
        XCTAssertEqual(try PNGEncoder(level: 0).filter, PNGFilter.none)
        XCTAssertEqual(try PNGEncoder(level: 6, filter: .adaptive).filter, .adaptive)
    }

    func testLevelZeroStoresAndLevelOneCompresses() throws {
        let pixels = TestImages.smooth(width: 128, height: 128)
        var store = try PNGEncoder(level: 0)
        var fast = try PNGEncoder(level: 1)
        let stored = try store.encode(pixels, width: 128, height: 128, layout: .rgb8).count
        let compressed = try fast.encode(pixels, width: 128, height: 128, layout: .rgb8).count
        XCTAssertGreaterThan(stored, pixels.count, "rows + filter bytes + framing")
        XCTAssertLessThan(stored, pixels.count + 128 + 200)
        XCTAssertLessThan(compressed, stored / 4)
    }

    func testReusesTheOutputArrayAndGivesIdenticalBytes() throws {
        let pixels = TestImages.gradientNoise(width: 64, height: 48, layout: .rgb8)
        let encoder = try PNGEncoder()
        var output: [UInt8] = [1, 2, 3]
        try pixels.withUnsafeBytes {
            try encoder.encode($0, width: 64, height: 48, layout: .rgb8, into: &output)
        }
        let first = output.map { $0 }  // a real copy, so `output` stays uniquely referenced
        let capacity = output.capacity
        let storage = output.withUnsafeBufferPointer { $0.baseAddress }
        try pixels.withUnsafeBytes {
            try encoder.encode($0, width: 64, height: 48, layout: .rgb8, into: &output)
        }
        XCTAssertEqual(output, first, "no stale bytes, deterministic output")
        XCTAssertEqual(output.capacity, capacity)
        XCTAssertEqual(output.withUnsafeBufferPointer { $0.baseAddress }, storage, "same storage reused")
    }

    func testEncodesConcurrentlyFromOneValue() throws {
        var encoder = try PNGEncoder()
        let pixels = TestImages.gradientNoise(width: 40, height: 30, layout: .rgba8)
        let expected = try PNGDecoder.decode(try encoder.encode(pixels, width: 40, height: 30, layout: .rgba8))
        let results = Mutex([Bool](repeating: false, count: 8))
        let shared = encoder
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            var copy = shared
            let png = try? copy.encode(pixels, width: 40, height: 30, layout: .rgba8)
            let same = png.flatMap { try? PNGDecoder.decode($0) } == expected
            results.withLock { $0[index] = same }
        }
        XCTAssertEqual(results.withLock { $0 }, Array(repeating: true, count: 8))
    }

    func testRejectsInvalidLevels() {
        for level in [-1, 10, 100] {
            XCTAssertThrowsError(try PNGEncoder(level: level)) {
                XCTAssertEqual($0 as? EncoderError, .invalidPNGLevel(level))
            }
        }
    }
}
