import FrameEncoder
import SplatCore
import SplatIO

/// Deterministic test images and image comparisons.
enum TestImages {
    /// A diagonal gradient with ±`noise` levels of random noise in every channel; with
    /// `.rgba8` the alpha channel runs over all values 0...255 (a gradient plus noise).
    static func gradientNoise(
        width: Int, height: Int, layout: PixelLayout, noise: Int = 24, seed: UInt64 = 1
    ) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        let channels = layout.bytesPerPixel
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                let base = (y * width + x) * channels
                let gradient = [
                    255 * x / max(width - 1, 1),
                    255 * y / max(height - 1, 1),
                    255 * (x + y) / max(width + height - 2, 1),
                    255 - 255 * x / max(width - 1, 1),
                ]
                for c in 0..<channels {
                    let jitter = noise == 0 ? 0 : Int.random(in: -noise...noise, using: &rng)
                    pixels[base + c] = UInt8(clamping: gradient[c] + jitter)
                }
            }
        }
        return pixels
    }

    /// A smooth image (gentle gradients and low-frequency waves over a 256-pixel period,
    /// whatever the size), the kind JPEG handles well.
    static func smooth(width: Int, height: Int, layout: PixelLayout = .rgb8) -> [UInt8] {
        let channels = layout.bytesPerPixel
        var pixels = [UInt8](repeating: 255, count: width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                let u = mirror(x), v = mirror(y)
                let base = (y * width + x) * channels
                pixels[base] = UInt8(60 + 120 * u + 30 * wave(2 * v))
                pixels[base + 1] = UInt8(80 + 100 * v + 20 * wave(3 * u))
                pixels[base + 2] = UInt8(100 + 60 * (u + v) / 2 + 25 * wave(u + v))
            }
        }
        return pixels
    }

    /// 0 → 1 over 256 pixels, then back down: a continuous ramp for any size.
    private static func mirror(_ i: Int) -> Double {
        let t = Double(i % 512) / 256
        return t <= 1 ? t : 2 - t
    }

    /// Mean absolute difference per sample.
    static func meanAbsoluteError(_ a: [UInt8], _ b: [UInt8]) -> Double {
        precondition(a.count == b.count, "images differ in size")
        var sum = 0
        for i in a.indices { sum += abs(Int(a[i]) - Int(b[i])) }
        return Double(sum) / Double(max(a.count, 1))
    }

    /// The RGB samples of an RGBA image.
    static func dropAlpha(_ rgba: [UInt8]) -> [UInt8] {
        var rgb: [UInt8] = []
        rgb.reserveCapacity(rgba.count / 4 * 3)
        for i in stride(from: 0, to: rgba.count, by: 4) { rgb += rgba[i..<i + 3] }
        return rgb
    }

    /// sin(2πt) without Foundation, good enough for test patterns (Bhaskara-style
    /// approximation of a smooth periodic wave in -1...1).
    private static func wave(_ t: Double) -> Double {
        var x = t - t.rounded(.down)  // 0..<1
        let sign: Double = x < 0.5 ? 1 : -1
        x = x < 0.5 ? x : x - 0.5  // 0..<0.5 → half period
        let p = x * (0.5 - x)
        return sign * 16 * p / (1.25 - 4 * p)
    }
}
