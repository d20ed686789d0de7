/// The `raw` codec: the output is a copy of the input pixels, in the input's layout.
///
/// Width, height and layout are not stored in the bytes; they travel beside them (in the
/// frame's metadata on the wire).
public struct RawEncoder: FrameEncoding, Sendable {
    /// Always `.raw`.
    public var codec: FrameCodec { .raw }

    /// Creates a raw encoder.
    public init() {}

    /// Copies `pixels` into `output` after checking dimensions and size.
    public func encode(
        _ pixels: UnsafeRawBufferPointer, width: Int, height: Int, layout: PixelLayout,
        into output: inout [UInt8]
    ) throws {
        output.removeAll(keepingCapacity: true)
        try FrameGeometry.validate(pixels, width: width, height: height, layout: layout)
        // Typed buffer: `append` then copies with memcpy.
        output.append(contentsOf: pixels.assumingBytes)
    }
}
