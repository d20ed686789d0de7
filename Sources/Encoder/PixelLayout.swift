/// How the pixels of a frame are laid out in memory.
///
/// Pixels are interleaved 8-bit samples, rows run from top to bottom and are tightly packed:
/// a `width × height` frame occupies exactly `width * height * bytesPerPixel` bytes with no
/// row padding.
public enum PixelLayout: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Three bytes per pixel: red, green, blue.
    case rgb8
    /// Four bytes per pixel: red, green, blue, alpha (straight, not premultiplied).
    case rgba8

    /// Bytes per pixel (3 for `.rgb8`, 4 for `.rgba8`).
    @inlinable
    public var bytesPerPixel: Int {
        switch self {
        case .rgb8: return 3
        case .rgba8: return 4
        }
    }

    /// Whether the layout carries an alpha channel.
    @inlinable
    public var hasAlpha: Bool { self == .rgba8 }

    /// `"rgb8"` or `"rgba8"`.
    public var description: String {
        switch self {
        case .rgb8: return "rgb8"
        case .rgba8: return "rgba8"
        }
    }
}
