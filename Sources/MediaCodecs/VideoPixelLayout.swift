/// How the pixels given to `H264Encoder` are laid out: interleaved 8-bit samples, rows from
/// top to bottom, tightly packed (a `width × height` frame is exactly
/// `width * height * bytesPerPixel` bytes). The same shapes as FrameEncoder's `PixelLayout`.
public enum VideoPixelLayout: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Red, green, blue: three bytes per pixel.
    case rgb8
    /// Red, green, blue, alpha: four bytes per pixel; H.264 has no alpha and ignores it.
    case rgba8

    /// 3 for `.rgb8`, 4 for `.rgba8`.
    public var bytesPerPixel: Int { self == .rgb8 ? 3 : 4 }

    /// `"rgb8"` or `"rgba8"`.
    public var description: String { self == .rgb8 ? "rgb8" : "rgba8" }
}
