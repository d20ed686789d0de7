/// Something that turns one frame of pixels into the bytes of one image.
///
/// Encoders validate their input and throw `EncoderError` instead of crashing. They write
/// into a caller-owned output array that is cleared (keeping its capacity) at the start of
/// every call, so a stream that reuses one array per frame allocates nothing on the Swift side
/// once the array has grown to the largest frame.
public protocol FrameEncoding {
    /// The codec and setting this encoder produces.
    var codec: FrameCodec { get }

    /// Encodes one frame.
    ///
    /// - Parameters:
    ///   - pixels: exactly `width * height * layout.bytesPerPixel` bytes, rows top to bottom,
    ///     tightly packed.
    ///   - width: 1...`FrameGeometry.maxDimension`.
    ///   - height: 1...`FrameGeometry.maxDimension`.
    ///   - layout: the pixel layout of `pixels`; the image keeps it (RGBA stays RGBA where the
    ///     format can carry alpha; JPEG drops alpha).
    ///   - output: replaced by the encoded image; its capacity is reused.
    /// - Throws: `EncoderError.invalidDimensions`, `.bufferSizeMismatch` or `.libraryFailure`;
    ///   `output` is empty after a throw.
    mutating func encode(
        _ pixels: UnsafeRawBufferPointer, width: Int, height: Int, layout: PixelLayout,
        into output: inout [UInt8]
    ) throws
}

extension FrameEncoding {
    /// Encodes one frame held in an array (see `encode(_:width:height:layout:into:)`).
    public mutating func encode(
        _ pixels: [UInt8], width: Int, height: Int, layout: PixelLayout, into output: inout [UInt8]
    ) throws {
        try pixels.withUnsafeBytes { buffer in
            try encode(buffer, width: width, height: height, layout: layout, into: &output)
        }
    }

    /// Encodes one frame into a new array; convenient for tests and tools, while streams
    /// should reuse an output array with `encode(_:width:height:layout:into:)`.
    public mutating func encode(
        _ pixels: [UInt8], width: Int, height: Int, layout: PixelLayout
    ) throws -> [UInt8] {
        var output: [UInt8] = []
        try encode(pixels, width: width, height: height, layout: layout, into: &output)
        return output
    }
}
