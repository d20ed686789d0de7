import Animator
import Foundation
import XCTest

final class AudioResamplerTests: XCTestCase {
    private typealias S = SpeechTestSupport

    /// Resamples `samples` in one piece.
    private func resample(_ samples: [Int16], rate: Int, channels: Int = 1) throws -> [Float] {
        var r = try AudioResampler(inputRate: rate, channels: channels)
        var out: [Float] = []
        r.process(samples, into: &out)
        return out
    }

    func testKeepsA1kHzToneAndRemovesAn11kHzToneFrom44k1() throws {
        let pass = try resample(S.tone(1000, rate: 44_100, seconds: 1, amplitude: 0.5), rate: 44_100)
        let stop = try resample(S.tone(11_000, rate: 44_100, seconds: 1, amplitude: 0.5), rate: 44_100)
        // Steady state, away from the start-up transient.
        let passAmplitude = S.rms(pass[1600..<14_400]) * Float(2).squareRoot()
        let stopAmplitude = S.rms(stop[1600..<14_400]) * Float(2).squareRoot()
        XCTAssertEqual(passAmplitude, 0.5, accuracy: 0.5 * 0.05, "1 kHz amplitude must be kept within 5 %")
        let attenuation = 20 * log10(stopAmplitude / 0.5)
        XCTAssertLessThan(attenuation, -30, "11 kHz would alias to 5 kHz: it must be > 30 dB down")
        print("resampler 44.1k→16k: 1 kHz gain \(passAmplitude / 0.5), 11 kHz attenuation \(attenuation) dB")
    }

    func testEveryCommonRateKeepsTheToneAndTheLength() throws {
        for rate in [8000, 11_025, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000] {
            let out = try resample(S.tone(1000, rate: rate, seconds: 1, amplitude: 0.5), rate: rate)
            XCTAssertEqual(Double(out.count), 16_000, accuracy: 400, "rate \(rate): ~1 s of output")
            let amplitude = S.rms(out[1600..<min(out.count, 14_400)]) * Float(2).squareRoot()
            XCTAssertEqual(amplitude, 0.5, accuracy: 0.025, "rate \(rate)")
            let r = try AudioResampler(inputRate: rate)
            XCTAssertLessThanOrEqual(r.latencySeconds, 0.003, "rate \(rate)")
        }
    }

    func testRemovesWhatWouldAliasAtEveryHigherRate() throws {
        for rate in [22_050, 24_000, 32_000, 44_100, 48_000] {
            let frequency = Double(min(rate / 2 - 1000, 11_000))
            let out = try resample(S.tone(frequency, rate: rate, seconds: 0.5, amplitude: 0.5), rate: rate)
            let amplitude = S.rms(out[1600..<6400]) * Float(2).squareRoot()
            XCTAssertLessThan(20 * log10(amplitude / 0.5), -40, "rate \(rate), \(frequency) Hz")
        }
    }

    func testUpsamplingFrom8kHzLeavesNoImages() throws {
        // A 3 kHz tone at 8 kHz has its image at 5 kHz after naive upsampling.
        let out = try resample(S.tone(3000, rate: 8000, seconds: 0.5, amplitude: 0.5), rate: 8000)
        // Remove the 3 kHz component by projecting it out, then look at what is left.
        var c: Float = 0, s: Float = 0
        let range = 1600..<6400
        for i in range {
            let phase = 2 * Float.pi * 3000 * Float(i) / 16_000
            c += out[i] * cos(phase); s += out[i] * sin(phase)
        }
        c *= 2 / Float(range.count); s *= 2 / Float(range.count)
        var residual: Float = 0
        for i in range {
            let phase = 2 * Float.pi * 3000 * Float(i) / 16_000
            let r = out[i] - c * cos(phase) - s * sin(phase)
            residual += r * r
        }
        let residualDB = 10 * log10(residual / Float(range.count) / (0.125))
        XCTAssertLessThan(residualDB, -40, "images / distortion relative to the tone")
    }

    func testChunkingDoesNotChangeTheOutput() throws {
        let input = S.tone(440, rate: 44_100, seconds: 0.3, amplitude: 0.3).enumerated().map { Int16(clamping: Int($1) + ($0 % 7) * 50) }
        let whole = try resample(input, rate: 44_100)
        var r = try AudioResampler(inputRate: 44_100)
        var pieces: [Float] = []
        var offset = 0, size = 1
        while offset < input.count {
            let n = min(size, input.count - offset)
            r.process(Array(input[offset..<(offset + n)]), into: &pieces)
            offset += n
            size = size * 3 % 997 + 1
        }
        XCTAssertEqual(whole.count, pieces.count)
        XCTAssertEqual(whole, pieces)
    }

    func testStereoIsMixedDownAndIncompleteFramesCarryOver() throws {
        let mono = S.tone(1000, rate: 48_000, seconds: 0.2, amplitude: 0.4)
        var same: [Int16] = [], opposite: [Int16] = []
        for s in mono { same += [s, s]; opposite += [s, -s] }
        let fromMono = try resample(mono, rate: 48_000)
        let fromSame = try resample(same, rate: 48_000, channels: 2)
        XCTAssertEqual(fromMono, fromSame)
        let cancelled = try resample(opposite, rate: 48_000, channels: 2)
        XCTAssertLessThan(cancelled.map(abs).max() ?? 1, 1e-6)
        // Odd-sized chunks split stereo frames; the result must not change.
        var r = try AudioResampler(inputRate: 48_000, channels: 2)
        var out: [Float] = []
        var offset = 0
        while offset < same.count {
            let n = min(333, same.count - offset)
            r.process(Array(same[offset..<(offset + n)]), into: &out)
            offset += n
        }
        XCTAssertEqual(out, fromSame)
    }

    func testSixteenKilohertzPassesThrough() throws {
        let input: [Int16] = [0, 100, -200, 32767, -32768, 5]
        let out = try resample(input, rate: 16_000)
        XCTAssertEqual(out, input.map { Float($0) / 32768 })
    }

    func testFloatInputMatchesInt16Input() throws {
        let input = S.tone(700, rate: 22_050, seconds: 0.1)
        var a = try AudioResampler(inputRate: 22_050), b = try AudioResampler(inputRate: 22_050)
        var fromInt: [Float] = [], fromFloat: [Float] = []
        a.process(input, into: &fromInt)
        b.process(input.map { Float($0) / 32768 }, into: &fromFloat)
        XCTAssertEqual(fromInt, fromFloat)
    }

    func testRejectsUnsupportedFormats() {
        XCTAssertThrowsError(try AudioResampler(inputRate: 1000)) { XCTAssertEqual($0 as? AudioError, .unsupportedSampleRate(1000)) }
        XCTAssertThrowsError(try AudioResampler(inputRate: 44_101))
        XCTAssertThrowsError(try AudioResampler(inputRate: 16_000, channels: 3)) { XCTAssertEqual($0 as? AudioError, .unsupportedChannelCount(3)) }
        XCTAssertTrue(AudioResampler.supports(rate: 96_000))
        XCTAssertTrue(AudioResampler.supports(rate: 12_000))
    }
}
