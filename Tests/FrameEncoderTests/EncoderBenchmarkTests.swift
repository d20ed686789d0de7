import FrameEncoder
import XCTest

final class EncoderBenchmarkTests: XCTestCase {
    func testMeasuresEveryCodec() throws {
        for codec in [FrameCodec.defaultPNG, .defaultJPEG, .raw] {
            let result = try EncoderBenchmark.measure(codec: codec, width: 64, height: 48, iterations: 3)
            XCTAssertGreaterThan(result.msPerFrame, 0, "\(codec)")
            XCTAssertGreaterThan(result.bytes, 0, "\(codec)")
        }
        XCTAssertEqual(try EncoderBenchmark.measure(codec: .raw, width: 64, height: 48, layout: .rgba8, iterations: 1).bytes,
                       64 * 48 * 4)
    }

    func testRejectsInvalidInput() {
        XCTAssertThrowsError(try EncoderBenchmark.measure(codec: .png(level: 11), width: 8, height: 8, iterations: 1))
        XCTAssertThrowsError(try EncoderBenchmark.measure(codec: .raw, width: 0, height: 8, iterations: 1))
    }

    func testSyntheticFrameIsDeterministicAndCompressesLikeARender() throws {
        let frame = EncoderBenchmark.syntheticFrame(width: 128, height: 128)
        XCTAssertEqual(frame, EncoderBenchmark.syntheticFrame(width: 128, height: 128))
        XCTAssertEqual(frame.count, 128 * 128 * 3)
        XCTAssertEqual(EncoderBenchmark.syntheticFrame(width: 16, height: 8, layout: .rgba8).count, 16 * 8 * 4)
        var png = try PNGEncoder()
        let size = try png.encode(frame, width: 128, height: 128, layout: .rgb8).count
        XCTAssertLessThan(size, frame.count * 3 / 4, "compressible")
        XCTAssertGreaterThan(size, frame.count / 10, "but not trivially")
    }

    /// Prints the encode times at 512×512 for the report (no timing assertions). Run it in a
    /// release build: `swift test -c release --filter EncoderBenchmarkTests`.
    func testReport512() throws {
        let pixels = EncoderBenchmark.syntheticFrame(width: 512, height: 512)
        var lines: [String] = []
        for filter in [PNGFilter.sub, .up, .adaptive] {
            var encoder = try PNGEncoder(level: 1, filter: filter)
            let result = try EncoderBenchmark.measure(encoder: &encoder, pixels: pixels, width: 512, height: 512, layout: .rgb8, iterations: 15)
            lines.append("png level 1 \(filter): \(milliseconds(result.msPerFrame)) ms, \(result.bytes) bytes")
        }
        let jpeg = try EncoderBenchmark.measure(codec: .defaultJPEG, iterations: 50)
        lines.append("jpeg q85: \(milliseconds(jpeg.msPerFrame)) ms, \(jpeg.bytes) bytes")
        print(lines.map { "[encoder 512×512] " + $0 }.joined(separator: "\n"))
    }

    private func milliseconds(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
