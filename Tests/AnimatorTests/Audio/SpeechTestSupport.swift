import Animator
import Foundation
import SplatIO
import XCTest

/// Helpers for the audio tests: speech synthesised by espeak-ng, levels, envelopes, statistics.
enum SpeechTestSupport {
    /// The espeak-ng executable, if installed.
    static let espeak: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let url = URL(fileURLWithPath: dir).appendingPathComponent("espeak-ng")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }()

    /// Speech for `text` from espeak-ng (22050 Hz mono 16-bit with the default voice).
    /// Skips the test when espeak-ng is not installed (scripts/bootstrap installs it).
    static func speak(_ text: String, arguments: [String] = []) throws -> WAVFile {
        guard let espeak else { throw XCTSkip("espeak-ng is not installed (scripts/bootstrap installs it)") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-speech-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let wav = dir.appendingPathComponent("speech.wav")
        let process = Process()
        process.executableURL = espeak
        process.arguments = arguments + ["-w", wav.path, text]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "espeak-ng", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "espeak-ng failed for '\(text)'"])
        }
        return try WAVFile(contentsOf: wav)
    }

    /// Mono 16 kHz floats of a WAV (through the resampler).
    static func mono16k(_ wav: WAVFile) throws -> [Float] {
        var resampler = try AudioResampler(inputRate: wav.sampleRate, channels: wav.channels)
        var out: [Float] = []
        resampler.process(wav.samples, into: &out)
        return out
    }

    /// Scales `samples` so that the RMS over its 10 ms blocks within 30 dB of the loudest block
    /// (the voiced part) is `targetDB` dBFS.
    static func normalised(_ samples: [Float], targetDB: Float = -20) -> [Float] {
        let levels = blockLevels(samples)
        guard let peak = levels.max() else { return samples }
        var sum: Float = 0, count = 0
        for (i, level) in levels.enumerated() where level > peak - 30 {
            for j in (i * 160)..<min((i + 1) * 160, samples.count) { sum += samples[j] * samples[j] }
            count += 160
        }
        let rms = (sum / Float(max(count, 1))).squareRoot()
        let gain = powf(10, targetDB / 20) / max(rms, 1e-9)
        return samples.map { $0 * gain }
    }

    /// Level (dBFS) of each 10 ms block of 16 kHz samples.
    static func blockLevels(_ samples: [Float], block: Int = 160) -> [Float] {
        stride(from: 0, to: samples.count - block + 1, by: block).map { start in
            var s: Float = 0
            for j in start..<(start + block) { s += samples[j] * samples[j] }
            return max(-120, 10 * log10(s / Float(block) + 1e-12))
        }
    }

    /// Runs a fresh analyser over 16 kHz samples fed in `chunk`-sample pieces.
    static func analyse(_ samples: [Float], chunk: Int = 320, configuration: SpeechAnalyzer.Configuration = .init()) -> [SpeechFrame] {
        let analyzer = SpeechAnalyzer(configuration: configuration)
        var frames: [SpeechFrame] = []
        samples.withUnsafeBufferPointer { all in
            var offset = 0
            while offset < all.count {
                let n = min(chunk, all.count - offset)
                analyzer.process(UnsafeBufferPointer(rebasing: all[offset..<(offset + n)])) { frames.append($0) }
                offset += n
            }
        }
        return frames
    }

    /// Pearson correlation.
    static func pearson(_ a: [Float], _ b: [Float]) -> Float {
        let n = Float(min(a.count, b.count))
        let ma = a.prefix(Int(n)).reduce(0, +) / n, mb = b.prefix(Int(n)).reduce(0, +) / n
        var sab: Float = 0, saa: Float = 0, sbb: Float = 0
        for i in 0..<Int(n) {
            sab += (a[i] - ma) * (b[i] - mb)
            saa += (a[i] - ma) * (a[i] - ma)
            sbb += (b[i] - mb) * (b[i] - mb)
        }
        return sab / (saa * sbb).squareRoot()
    }

    /// A sine of `frequency` Hz at `rate` Hz, amplitude `amplitude`, as 16-bit samples.
    static func tone(_ frequency: Double, rate: Int, seconds: Double, amplitude: Double = 0.5) -> [Int16] {
        (0..<Int(seconds * Double(rate))).map {
            Int16((amplitude * 32767 * sin(2 * Double.pi * frequency * Double($0) / Double(rate))).rounded())
        }
    }

    /// RMS of a slice.
    static func rms(_ x: ArraySlice<Float>) -> Float {
        (x.reduce(0) { $0 + $1 * $1 } / Float(max(x.count, 1))).squareRoot()
    }
}
