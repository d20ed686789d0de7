import Foundation
import SplatCore

/// Timing of `H264Encoder`, for `splatd bench-video` and for choosing settings.
public enum H264Benchmark {
    /// What `measure` found.
    public struct Result: Sendable, Hashable {
        /// Median milliseconds to convert and encode one frame.
        public var msPerFrame: Double
        /// The 90th percentile of the same.
        public var p90MsPerFrame: Double
        /// The encoded stream's bitrate at `settings.fps`, in kbit/s (measured frames only).
        public var kbps: Double
        /// The largest access unit (a keyframe, usually), in bytes.
        public var largestFrameBytes: Int
        /// Frames measured.
        public var frames: Int
    }

    /// Encodes `frames` frames of `movingFrame` (after `warmup` untimed ones, which also let
    /// rate control settle) on the calling thread and times each one.
    ///
    /// - Throws: whatever `H264Encoder` throws for `settings`.
    public static func measure(settings: H264Settings, frames: Int = 150, warmup: Int = 30) throws -> Result {
        let encoder = try H264Encoder(settings: settings)
        var output: [UInt8] = []
        var times: [Double] = []
        var bytes = 0, largest = 0
        let clock = ContinuousClock()
        let frameMicroseconds = 1_000_000 / Int64(settings.fps)
        for index in 0..<(warmup + max(frames, 1)) {
            let pixels = movingFrame(width: settings.width, height: settings.height, index: index)
            let start = clock.now
            try pixels.withUnsafeBytes { buffer in
                _ = try encoder.encode(buffer, width: settings.width, height: settings.height,
                                       presentationTime: Int64(index) * frameMicroseconds, into: &output)
            }
            let elapsed = start.duration(to: clock.now).components
            guard index >= warmup else { continue }
            times.append(Double(elapsed.seconds) * 1e3 + Double(elapsed.attoseconds) * 1e-15)
            bytes += output.count
            largest = max(largest, output.count)
        }
        times.sort()
        let seconds = Double(times.count) / Double(settings.fps)
        return Result(
            msPerFrame: times[times.count / 2], p90MsPerFrame: times[min(times.count - 1, times.count * 9 / 10)],
            kbps: Double(bytes) * 8 / seconds / 1000, largestFrameBytes: largest, frames: times.count)
    }

    /// A deterministic RGB8 frame that moves like a talking head: a dark vertical gradient, a
    /// shaded ellipse that sways left and right, eyes, a mouth that opens and closes, and ±1
    /// level of per-pixel noise (the fine texture splatting leaves). `index` is the frame number.
    public static func movingFrame(width: Int, height: Int, index: Int) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: max(width, 0) * max(height, 0) * 3)
        var random = SplitMix64(seed: 0x5EED &+ UInt64(truncatingIfNeeded: index))
        let t = Double(index) / 30
        let sway = 0.06 * sin(2 * Double.pi * 0.5 * t)  // head moves ±6 % of the width at 0.5 Hz
        let mouthOpen = 0.02 + 0.02 * (1 + sin(2 * Double.pi * 2 * t)) / 2
        let w = Double(max(width, 1)), h = Double(max(height, 1))
        func clamp(_ value: Double) -> UInt8 { UInt8(max(0, min(255, value.rounded()))) }
        var i = 0
        for y in 0..<max(height, 0) {
            let v = (Double(y) + 0.5) / h
            for x in 0..<max(width, 0) {
                let u = (Double(x) + 0.5) / w - sway
                let dx = (u - 0.5) / 0.30, dy = (v - 0.47) / 0.40
                let r2 = dx * dx + dy * dy
                var rgb: (Double, Double, Double)
                if r2 < 1 {
                    let light = 0.55 + 0.45 * (1 - r2).squareRoot() - 0.15 * dx
                    rgb = (225 * light, 172 * light, 140 * light)
                    let eyeL = square((u - 0.39) / 0.05) + square((v - 0.42) / 0.025)
                    let eyeR = square((u - 0.61) / 0.05) + square((v - 0.42) / 0.025)
                    let mouth = square((u - 0.5) / 0.09) + square((v - 0.65) / mouthOpen)
                    if min(eyeL, eyeR) < 1 { rgb = (40, 30, 28) }
                    if mouth < 1 { rgb = (150, 60, 60) }
                } else {
                    rgb = (30 + 20 * v, 34 + 20 * v, 44 + 30 * v)
                }
                let z = random.next()
                let noise = Double(Int(z & 1) - Int((z >> 1) & 1))
                pixels[i] = clamp(rgb.0 + noise)
                pixels[i + 1] = clamp(rgb.1 + noise)
                pixels[i + 2] = clamp(rgb.2 + noise)
                i += 3
            }
        }
        return pixels
    }

    private static func square(_ x: Double) -> Double { x * x }
}
