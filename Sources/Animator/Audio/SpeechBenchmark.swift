import Foundation
import SplatCore

extension SpeechAnalyzer {
    /// Measures the processing cost of the speech path: microseconds of wall time per 10 ms of
    /// audio, for `seconds` of synthetic speech-like audio (vowels, fricatives, stop closures,
    /// pauses) fed in 20 ms chunks of 16-bit PCM at `inputRate` (16 kHz: the analyser alone;
    /// any other rate includes the resampler). Single-threaded; the best of three passes, so a
    /// busy machine disturbs it less. No timing is asserted anywhere: it is a number to report.
    public static func benchmark(seconds: Double = 10, inputRate: Int = 16_000, channels: Int = 1) -> Double {
        let mono = syntheticSpeech(seconds: seconds, sampleRate: inputRate)
        var samples = [Int16](repeating: 0, count: mono.count * channels)
        for i in 0..<mono.count { for c in 0..<channels { samples[i * channels + c] = mono[i] } }
        let chunk = inputRate / 50 * channels
        var best = Double.infinity
        for _ in 0..<3 {
            guard let processor = try? SpeechProcessor(sampleRate: inputRate, channels: channels) else { return .nan }
            var frames = 0
            let start = monotonicSeconds()
            samples.withUnsafeBufferPointer { all in
                var offset = 0
                while offset < all.count {
                    let n = min(chunk, all.count - offset)
                    let slice = UnsafeBufferPointer(rebasing: all[offset..<(offset + n)])
                    try? processor.process(slice, sampleRate: inputRate, channels: channels) { _ in frames += 1 }
                    offset += n
                }
            }
            let elapsed = monotonicSeconds() - start
            let hops = Double(mono.count) / Double(inputRate) * 100
            if frames > 0 { best = min(best, elapsed * 1e6 / hops) }
        }
        return best
    }

    /// Deterministic speech-like audio: 120 Hz glottal pulses through two formant resonators
    /// (cycling through /a/, /i/, /u/, /e/), hiss (high-passed noise), stop closures and pauses.
    static func syntheticSpeech(seconds: Double, sampleRate: Int) -> [Int16] {
        let n = Int(seconds * Double(sampleRate))
        let fs = Double(sampleRate)
        var out = [Int16](repeating: 0, count: n)
        let vowels: [(Double, Double)] = [(730, 1100), (300, 2200), (330, 900), (550, 1800)]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func noise() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(Int64(bitPattern: state >> 11) - (1 << 52)) / Double(1 << 52)
        }
        // Two-pole resonators (y = x + 2r cos θ y1 − r² y2).
        var y1 = [0.0, 0.0], y2 = [0.0, 0.0]
        var previousNoise = 0.0
        let segment = Int(0.12 * fs)
        for i in 0..<n {
            let s = i / segment
            let kind = s % 6                     // 0–3 vowels, 4 fricative, 5 closure/pause
            var x = 0.0
            if kind < 4 {
                let period = Int(fs / 120)
                let source = i % period == 0 ? 1.0 : 0.0
                let (f1, f2) = vowels[(s / 6 + kind) % vowels.count]
                let r = exp(-Double.pi * 90 / fs)
                var sum = 0.0
                for k in 0..<2 {
                    let f = k == 0 ? f1 : f2
                    let y = source + 2 * r * cos(2 * Double.pi * f / fs) * y1[k] - r * r * y2[k]
                    y2[k] = y1[k]; y1[k] = y
                    sum += y * (k == 0 ? 1 : 0.5)
                }
                x = 0.05 * sum
            } else if kind == 4 {
                let w = noise()
                x = 0.15 * (w - previousNoise)   // first difference: hiss
                previousNoise = w
            }
            out[i] = Int16(max(-32767, min(32767, x * 32767)))
        }
        return out
    }
}
