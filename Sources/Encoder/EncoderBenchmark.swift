import SplatCore
/// Timing of the encoders on one core, for `splatd bench` and for choosing a codec.
///
/// Timings use `ContinuousClock`; each call encodes one warm-up frame (which sizes the output
/// array and the encoder's buffers) and then `iterations` timed frames, reusing one output
/// array as a stream does, and reports the median time per frame.
public enum EncoderBenchmark {
    /// Times `codec` on `syntheticFrame(width:height:layout:)`.
    ///
    /// - Returns: the median milliseconds per frame and the encoded size in bytes.
    /// - Throws: `EncoderError` for invalid dimensions or an invalid codec setting.
    public static func measure(
        codec: FrameCodec, width: Int = 512, height: Int = 512, layout: PixelLayout = .rgb8,
        iterations: Int = 50
    ) throws -> (msPerFrame: Double, bytes: Int) {
        try FrameGeometry.validate(width: width, height: height)
        var encoder = try makeEncoder(for: codec)
        let pixels = syntheticFrame(width: width, height: height, layout: layout)
        return try measure(encoder: &encoder, pixels: pixels, width: width, height: height, layout: layout,
                           iterations: iterations)
    }

    /// Times `encoder` on caller-supplied pixels (for example a frame the rasterizer rendered).
    ///
    /// - Returns: the median milliseconds per frame and the encoded size in bytes.
    /// - Throws: whatever `encoder` throws for these pixels.
    public static func measure(
        encoder: inout some FrameEncoding, pixels: [UInt8], width: Int, height: Int,
        layout: PixelLayout, iterations: Int = 50
    ) throws -> (msPerFrame: Double, bytes: Int) {
        var output: [UInt8] = []
        try encoder.encode(pixels, width: width, height: height, layout: layout, into: &output)
        var times: [Double] = []
        times.reserveCapacity(max(iterations, 1))
        let clock = ContinuousClock()
        try pixels.withUnsafeBytes { buffer in
            for _ in 0..<max(iterations, 1) {
                let start = clock.now
                try encoder.encode(buffer, width: width, height: height, layout: layout, into: &output)
                let elapsed = start.duration(to: clock.now).components
                times.append(Double(elapsed.seconds) * 1e3 + Double(elapsed.attoseconds) * 1e-15)
            }
        }
        times.sort()
        return (msPerFrame: times[times.count / 2], bytes: output.count)
    }

    /// A deterministic frame that compresses like a rendered head avatar: a dark vertical
    /// gradient background, a smoothly shaded ellipse with darker features, and ±1 level of
    /// per-pixel noise (the fine texture splatting leaves). With `.rgba8`, alpha is 255 inside
    /// the head and fades to 0 outside it.
    public static func syntheticFrame(
        width: Int, height: Int, layout: PixelLayout = .rgb8, seed: UInt64 = 0x5EED
    ) -> [UInt8] {
        let channels = layout.bytesPerPixel
        var pixels = [UInt8](repeating: 0, count: max(width, 0) * max(height, 0) * channels)
        var random = SplitMix64(seed: seed)
        func noise() -> Int {  // -1 (1/4), 0 (1/2), +1 (1/4)
            let z = random.next()
            return Int(z & 1) - Int((z >> 1) & 1)
        }
        func clamp(_ value: Double) -> UInt8 { UInt8(max(0, min(255, value.rounded()))) }
        let w = Double(max(width, 1)), h = Double(max(height, 1))
        var index = 0
        for y in 0..<max(height, 0) {
            let v = (Double(y) + 0.5) / h
            for x in 0..<max(width, 0) {
                let u = (Double(x) + 0.5) / w
                // Head: ellipse centred slightly above the middle.
                let dx = (u - 0.5) / 0.30, dy = (v - 0.47) / 0.40
                let r2 = dx * dx + dy * dy
                var rgb: (Double, Double, Double)
                let coverage = max(0, min(1, (1.0 - r2) * 12))
                if r2 < 1 {
                    let light = 0.55 + 0.45 * (1 - r2).squareRoot() - 0.15 * dx
                    rgb = (225 * light, 172 * light, 140 * light)
                    // Eyes and mouth.
                    let eye = min(pow2((u - 0.39) / 0.05) + pow2((v - 0.42) / 0.025),
                                  pow2((u - 0.61) / 0.05) + pow2((v - 0.42) / 0.025))
                    let mouth = pow2((u - 0.5) / 0.09) + pow2((v - 0.65) / 0.02)
                    if eye < 1 { rgb = (40, 30, 28) }
                    if mouth < 1 { rgb = (150, 60, 60) }
                } else {
                    rgb = (30 + 20 * v, 34 + 20 * v, 44 + 30 * v)
                }
                pixels[index] = clamp(rgb.0 + Double(noise()))
                pixels[index + 1] = clamp(rgb.1 + Double(noise()))
                pixels[index + 2] = clamp(rgb.2 + Double(noise()))
                if channels == 4 { pixels[index + 3] = clamp(255 * coverage) }
                index += channels
            }
        }
        return pixels
    }

    private static func pow2(_ x: Double) -> Double { x * x }
}
