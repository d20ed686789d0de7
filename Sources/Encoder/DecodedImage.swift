/// An image decoded from PNG or JPEG: tightly packed 8-bit pixels, rows top to bottom.
public struct DecodedImage: Sendable, Hashable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// The layout of `pixels`.
    public var layout: PixelLayout
    /// `width * height * layout.bytesPerPixel` bytes.
    public var pixels: [UInt8]

    /// Creates an image from its parts; `pixels` should hold
    /// `width * height * layout.bytesPerPixel` bytes.
    public init(width: Int, height: Int, layout: PixelLayout, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.layout = layout
        self.pixels = pixels
    }
}
