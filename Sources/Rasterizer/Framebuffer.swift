import RasterizerKernels

/// A rendered image: linear float colour, alpha, and the same colour quantised to 8-bit RGB.
///
/// Reused across frames: rendering into a framebuffer of the right size allocates nothing.
public final class Framebuffer: @unchecked Sendable {
    // @unchecked: the pixel arrays are written only by `Renderer.render` into a framebuffer the
    // caller hands it for that frame; like any buffer, it must not be read while being rendered into.
    /// Image size in pixels.
    public let width: Int, height: Int
    /// Interleaved RGB, `height × width × 3`, rows top to bottom (background included).
    public private(set) var color: [Float]
    /// Opacity `1 − T` per pixel, `height × width`.
    public private(set) var alpha: [Float]
    /// `color` rounded to 8 bits per channel, interleaved RGB.
    public private(set) var rgb8: [UInt8]

    /// Creates a black, transparent framebuffer.
    public init(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "framebuffer size must be positive")
        self.width = width
        self.height = height
        color = Array(repeating: 0, count: width * height * 3)
        alpha = Array(repeating: 0, count: width * height)
        rgb8 = Array(repeating: 0, count: width * height * 3)
    }

    /// Calls `body` with raw pointers to the planes, for the compositing workers of one render.
    func withPlanes<R>(_ body: (ImagePlanes) throws -> R) rethrows -> R {
        try color.withUnsafeMutableBufferPointer { c in
            try alpha.withUnsafeMutableBufferPointer { a in
                try rgb8.withUnsafeMutableBufferPointer { q in
                    try body(ImagePlanes(width: width, height: height, color: c.baseAddress!,
                                      alpha: a.baseAddress!, rgb8: q.baseAddress!))
                }
            }
        }
    }

    /// Fills the image with `background` and zero alpha (an empty scene).
    func clear(to background: SIMD3<Float>) {
        for i in 0..<(width * height) {
            color[3 * i] = background.x; color[3 * i + 1] = background.y; color[3 * i + 2] = background.z
            alpha[i] = 0
            rgb8[3 * i] = quantise(background.x); rgb8[3 * i + 1] = quantise(background.y); rgb8[3 * i + 2] = quantise(background.z)
        }
    }
}

extension Framebuffer {
    /// Copies `other`'s 8-bit image into this one with its left edge at column `x` (a stereo
    /// frame's halves); `other` must have this height and fit.
    public func place(_ other: Framebuffer, atColumn x: Int) {
        precondition(other.height == height && x >= 0 && x + other.width <= width, "the image does not fit")
        let rowBytes = other.width * 3
        rgb8.withUnsafeMutableBytes { target in
            other.rgb8.withUnsafeBytes { source in
                for row in 0..<height {
                    (target.baseAddress! + (row * width + x) * 3)
                        .copyMemory(from: source.baseAddress! + row * rowBytes, byteCount: rowBytes)
                }
            }
        }
    }
}
