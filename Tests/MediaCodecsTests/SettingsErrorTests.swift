import MediaCodecs
import XCTest

final class SettingsErrorTests: XCTestCase {
    private func assertThrows(
        _ expected: MediaCodecError, mentioning words: [String] = [], file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> Void
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? MediaCodecError, expected, file: file, line: line)
            for word in words {
                XCTAssertTrue("\(error)".contains(word), "\"\(error)\" mentions \(word)", file: file, line: line)
            }
        }
    }

    func testBadVideoSettings() {
        assertThrows(.invalidDimensions(width: 0, height: 0), mentioning: ["even"]) {
            _ = try H264Encoder(settings: H264Settings(width: 0, height: 0))
        }
        assertThrows(.invalidDimensions(width: 511, height: 512), mentioning: ["511×512", "even"]) {
            _ = try H264Encoder(settings: H264Settings(width: 511, height: 512))
        }
        assertThrows(.invalidBitrate(kbps: 0, range: H264Settings.bitrates), mentioning: ["kbit/s"]) {
            _ = try H264Encoder(settings: H264Settings(width: 64, height: 64, rateControl: .bitrate(kbps: 0)))
        }
        assertThrows(.invalidCRF(52), mentioning: ["0.0...51.0"]) {
            _ = try H264Encoder(settings: H264Settings(width: 64, height: 64, rateControl: .crf(52)))
        }
        assertThrows(.invalidCRF(-1)) { _ = try H264Encoder(settings: H264Settings(width: 64, height: 64, rateControl: .crf(-1))) }
        assertThrows(.invalidVBVBuffer(seconds: 0)) {
            _ = try H264Encoder(settings: H264Settings(width: 64, height: 64, rateControl: .bitrate(kbps: 500, vbvSeconds: 0)))
        }
        assertThrows(.invalidFrameRate(0)) { _ = try H264Encoder(settings: H264Settings(width: 64, height: 64, fps: 0)) }
        assertThrows(.invalidGOP(seconds: 0)) { _ = try H264Encoder(settings: H264Settings(width: 64, height: 64, gopSeconds: 0)) }
        assertThrows(.invalidThreadCount(0)) { _ = try H264Encoder(settings: H264Settings(width: 64, height: 64, threads: 0)) }
    }

    func testBadFrames() throws {
        let encoder = try H264Encoder(settings: H264Settings(width: 64, height: 64))
        assertThrows(.bufferSizeMismatch(expected: 64 * 64 * 3, actual: 100, width: 64, height: 64, layout: .rgb8),
                     mentioning: ["12288"]) {
            _ = try encoder.encode([UInt8](repeating: 0, count: 100), width: 64, height: 64, presentationTime: 0)
        }
        assertThrows(.bufferSizeMismatch(expected: 64 * 64 * 4, actual: 64 * 64 * 3, width: 64, height: 64, layout: .rgba8)) {
            _ = try encoder.encode([UInt8](repeating: 0, count: 64 * 64 * 3), width: 64, height: 64, layout: .rgba8,
                                   presentationTime: 0)
        }
        assertThrows(.frameSizeChanged(expectedWidth: 64, expectedHeight: 64, width: 32, height: 32), mentioning: ["new encoder"]) {
            _ = try encoder.encode([UInt8](repeating: 0, count: 32 * 32 * 3), width: 32, height: 32, presentationTime: 0)
        }
        let frame = [UInt8](repeating: 90, count: 64 * 64 * 3)
        var output: [UInt8] = [1, 2, 3]
        try frame.withUnsafeBytes { _ = try encoder.encode($0, width: 64, height: 64, presentationTime: 1000, into: &output) }
        XCTAssertFalse(output.isEmpty)
        assertThrows(.nonIncreasingTimestamp(previousMicroseconds: 1000, microseconds: 1000)) {
            try frame.withUnsafeBytes { _ = try encoder.encode($0, width: 64, height: 64, presentationTime: 1000, into: &output) }
        }
        XCTAssertTrue(output.isEmpty, "output is empty after a throw")
        assertThrows(.invalidBitrate(kbps: 0, range: H264Settings.bitrates)) { try encoder.setRateControl(.bitrate(kbps: 0)) }
        XCTAssertEqual(encoder.settings.rateControl, .bitrate(kbps: H264RateControl.defaultKbps), "the old setting stays")
    }

    func testBadAudioSettings() throws {
        assertThrows(.invalidSampleRate(7_999), mentioning: ["8000...48000"]) {
            _ = try AudioEncoder(settings: AudioSettings(sampleRate: 7_999))
        }
        assertThrows(.invalidSampleRate(96_000)) { _ = try AudioEncoder(settings: AudioSettings(sampleRate: 96_000)) }
        assertThrows(.invalidChannelCount(3), mentioning: ["mono", "stereo"]) {
            _ = try AudioEncoder(settings: AudioSettings(sampleRate: 16_000, channels: 3))
        }
        assertThrows(.invalidBitrate(kbps: 0, range: AudioCodec.opus.bitrates)) {
            _ = try AudioEncoder(settings: AudioSettings(sampleRate: 16_000, bitrateKbps: 0))
        }
        let stereo = try AudioEncoder(settings: AudioSettings(sampleRate: 48_000, channels: 2))
        assertThrows(.partialAudioFrame(samples: 3, channels: 2)) { _ = try stereo.encode([1, 2, 3], presentationTime: 0) }
    }

    func testMessagesNameTheProblem() {
        XCTAssertEqual("\(MediaCodecError.encoderUnavailable("libx264"))".hasPrefix("libx264 is not available in this FFmpeg build"), true)
        XCTAssertTrue(H264Encoder.isAvailable, "Debian's libavcodec has libx264")
    }
}
