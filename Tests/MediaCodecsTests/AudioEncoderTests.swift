import Foundation
import MediaCodecs
import XCTest

final class AudioEncoderTests: XCTestCase {
    static let amplitude = 0.5 * 32767

    /// 1 s of 440 Hz at 16 kHz mono in 20 ms chunks; decoded by ffmpeg from an Ogg file.
    func testToneSurvivesEncodingAndDecodes() throws {
        let ffmpeg = try ExternalTool.require("ffmpeg")
        let folder = try ExternalTool.temporaryFolder(for: self)
        let rate = 16_000
        let encoder = try AudioEncoder(settings: AudioSettings(sampleRate: rate, channels: 1))
        XCTAssertEqual(Array(encoder.extradata.prefix(8)), Array("OpusHead".utf8))
        XCTAssertEqual(encoder.extradata.count, 19)
        XCTAssertEqual(Int(encoder.extradata[10]) | Int(encoder.extradata[11]) << 8, encoder.preSkip)
        XCTAssertGreaterThan(encoder.preSkip, 0)

        let tone = (0..<rate).map { Int16((Self.amplitude * sin(2 * Double.pi * 440 * Double($0) / Double(rate))).rounded()) }
        let start: Int64 = 2_000_000
        var packets: [AudioPacket] = []
        for chunk in 0..<50 {
            let samples = Array(tone[(chunk * 320)..<((chunk + 1) * 320)])
            packets += try encoder.encode(samples, presentationTime: start + Int64(chunk) * 20_000)
        }
        packets += try encoder.flush()
        XCTAssertThrowsError(try encoder.encode([0, 0], presentationTime: 3_000_000)) {
            XCTAssertEqual($0 as? MediaCodecError, .flushed)
        }

        // 20 ms packets on the input clock: the first starts preSkip samples before the first
        // input sample, each follows the previous, and together they cover the second.
        let startPTS = Int64(start) * 48_000 / 1_000_000
        XCTAssertEqual(packets.first?.pts, startPTS - Int64(encoder.preSkip))
        XCTAssertEqual(packets.first?.presentationTime, start - Int64(encoder.preSkip) * 1_000_000 / 48_000)
        for (previous, next) in zip(packets, packets.dropFirst()) {
            XCTAssertEqual(next.pts, previous.pts + Int64(previous.duration))
        }
        XCTAssertTrue(packets.dropLast().allSatisfy { $0.duration == 960 }, "\(packets.map(\.duration))")
        XCTAssertEqual(packets.first?.durationMicroseconds, 20_000)
        let total = packets.reduce(0) { $0 + $1.duration }
        XCTAssertEqual(total, 48_000 + encoder.preSkip, "every input sample and the pre-skip")
        let kbps = Double(packets.reduce(0) { $0 + $1.bytes.count }) * 8 / 1000
        print(String(format: "opus: %d packets, %.1f kbit/s (target %d)", packets.count, kbps, AudioCodec.opus.defaultBitrateKbps))
        XCTAssertLessThan(kbps, 45)

        let ogg = folder.appendingPathComponent("tone.ogg")
        try OggOpusFile.write(packets, encoder: encoder, startPTS: startPTS, to: ogg)
        let raw = folder.appendingPathComponent("tone.s16")
        try ExternalTool.run(ffmpeg, ["-v", "error", "-y", "-i", ogg.path, "-f", "s16le", "-ac", "1", "-ar", "16000", raw.path])
        let data = try Data(contentsOf: raw)
        let decoded = data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        XCTAssertEqual(Double(decoded.count), Double(rate), accuracy: 40, "one second, pre-skip removed")

        // Between 0.1 s and 0.9 s: the same energy and the same frequency.
        let middle = decoded[(rate / 10)..<min(decoded.count, rate * 9 / 10)].map(Double.init)
        let rms = (middle.reduce(0) { $0 + $1 * $1 } / Double(middle.count)).squareRoot()
        let inputRMS = Self.amplitude / 2.squareRoot()
        XCTAssertEqual(20 * log10(rms / inputRMS), 0, accuracy: 1.5, "level within 1.5 dB (\(rms) vs \(inputRMS))")
        var crossings = 0
        for (a, b) in zip(middle, middle.dropFirst()) where a < 0 && b >= 0 { crossings += 1 }
        let frequency = Double(crossings) / (Double(middle.count) / Double(rate))
        XCTAssertEqual(frequency, 440, accuracy: 3)
        let at440 = goertzel(middle, frequency: 440, rate: rate)
        for other in [220.0, 880, 1320] {
            XCTAssertGreaterThan(at440, 100 * goertzel(middle, frequency: other, rate: rate), "440 Hz dominates \(other) Hz")
        }
    }

    /// A chunk that arrives later than the previous one ended is preceded by silence; stereo
    /// at 44.1 kHz resamples to 48 kHz.
    func testGapsKeepTheTimeLine() throws {
        let encoder = try AudioEncoder(settings: AudioSettings(sampleRate: 44_100, channels: 2, bitrateKbps: 64))
        let chunk = [Int16](repeating: 1000, count: 4410 * 2)  // 100 ms
        var packets = try encoder.encode(chunk, presentationTime: 0)
        packets += try encoder.encode(chunk, presentationTime: 300_000)  // 200 ms gap
        packets += try encoder.encode(chunk, presentationTime: 400_000 + 5_000)  // jitter: ignored
        packets += try encoder.flush()
        let total = packets.reduce(0) { $0 + $1.duration }
        XCTAssertEqual(total, 500 * 48 + encoder.preSkip, accuracy: 2)
        for (previous, next) in zip(packets, packets.dropFirst()) {
            XCTAssertEqual(next.pts, previous.pts + Int64(previous.duration))
        }
        XCTAssertEqual(packets.first?.pts, -Int64(encoder.preSkip))
    }

    private func goertzel(_ samples: [Double], frequency: Double, rate: Int) -> Double {
        let w = 2 * Double.pi * frequency / Double(rate)
        let k = 2 * cos(w)
        var s1 = 0.0, s2 = 0.0
        for x in samples {
            let s = x + k * s1 - s2
            s2 = s1
            s1 = s
        }
        return s1 * s1 + s2 * s2 - k * s1 * s2
    }

    /// 1 s of 440 Hz as AAC in an MP4 (the muxer takes the encoder's AudioSpecificConfig):
    /// FFmpeg decodes a second of it at the input's level, priming removed.
    func testAACToneMuxesIntoMP4AndDecodes() throws {
        let ffmpeg = try ExternalTool.require("ffmpeg")
        let folder = try ExternalTool.temporaryFolder(for: self)
        let rate = 48_000
        let encoder = try AudioEncoder(settings: AudioSettings(codec: .aac, sampleRate: rate, channels: 1))
        XCTAssertGreaterThanOrEqual(encoder.extradata.count, 2, "an AudioSpecificConfig: object type, rate, channels")
        XCTAssertEqual(encoder.extradata.first.map { $0 >> 3 }, 2, "object type 2: AAC LC")
        XCTAssertEqual(encoder.preSkip, 1024)
        let tone = (0..<rate).map { Int16((Self.amplitude * sin(2 * Double.pi * 440 * Double($0) / Double(rate))).rounded()) }
        var packets: [AudioPacket] = []
        for chunk in 0..<50 {
            packets += try encoder.encode(Array(tone[(chunk * 960)..<((chunk + 1) * 960)]), presentationTime: Int64(chunk) * 20_000)
        }
        packets += try encoder.flush()
        XCTAssertTrue(packets.dropLast().allSatisfy { $0.duration == 1024 }, "\(packets.map(\.duration))")
        for (previous, next) in zip(packets, packets.dropFirst()) { XCTAssertEqual(next.pts, previous.pts + Int64(previous.duration)) }
        let kbps = Double(packets.reduce(0) { $0 + $1.bytes.count }) * 8 / 1000
        XCTAssertLessThan(kbps, 100, "about the default 64 kbit/s")

        let file = folder.appendingPathComponent("tone.mp4")
        let muxer = try MediaMuxer(url: file.path)
        try muxer.addAudio(from: encoder)
        try muxer.start()
        for p in packets { try muxer.writeAudio(p.bytes, time: p.presentationTime, duration: p.durationMicroseconds) }
        try muxer.finish()
        let raw = folder.appendingPathComponent("tone.s16")
        try ExternalTool.run(ffmpeg, ["-v", "error", "-y", "-i", file.path, "-f", "s16le", "-ac", "1", "-ar", "48000", raw.path])
        let decoded = try Data(contentsOf: raw).withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        XCTAssertEqual(Double(decoded.count), Double(rate), accuracy: 2048, "one second")
        let middle = decoded[(rate / 10)..<min(decoded.count, rate * 9 / 10)].map(Double.init)
        let rms = (middle.reduce(0) { $0 + $1 * $1 } / Double(middle.count)).squareRoot()
        XCTAssertEqual(20 * log10(rms / (Self.amplitude / 2.squareRoot())), 0, accuracy: 1.5, "level within 1.5 dB")
    }
}
