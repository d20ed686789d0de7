/// Validation of frame dimensions and pixel-buffer sizes shared by every encoder and decoder.
public enum FrameGeometry {
    /// The largest width or height, in pixels, that the encoders accept and the decoders
    /// produce (16384). Larger frames are rejected with `EncoderError.invalidDimensions`.
    public static let maxDimension = 16_384

    /// The number of bytes a tightly packed `width × height` frame in `layout` occupies.
    ///
    /// - Throws: `EncoderError.invalidDimensions` unless both dimensions are in
    ///   `1...maxDimension`.
    public static func byteCount(width: Int, height: Int, layout: PixelLayout) throws -> Int {
        try validate(width: width, height: height)
        // Cannot overflow: 16384 * 16384 * 4 = 2^30.
        return width * height * layout.bytesPerPixel
    }

    /// Checks that both dimensions are in `1...maxDimension`.
    ///
    /// - Throws: `EncoderError.invalidDimensions` otherwise.
    public static func validate(width: Int, height: Int) throws {
        guard (1...maxDimension).contains(width), (1...maxDimension).contains(height) else {
            throw EncoderError.invalidDimensions(width: width, height: height)
        }
    }

    /// Checks the dimensions and that `pixels` holds exactly one tightly packed frame.
    ///
    /// - Returns: the number of bytes in one row.
    /// - Throws: `EncoderError.invalidDimensions` or `EncoderError.bufferSizeMismatch`.
    @discardableResult
    public static func validate(
        _ pixels: UnsafeRawBufferPointer, width: Int, height: Int, layout: PixelLayout
    ) throws -> Int {
        let expected = try byteCount(width: width, height: height, layout: layout)
        guard pixels.count == expected else {
            throw EncoderError.bufferSizeMismatch(
                expected: expected, actual: pixels.count, width: width, height: height, layout: layout)
        }
        return width * layout.bytesPerPixel
    }
}
