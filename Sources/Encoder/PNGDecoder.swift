import CPNG

/// Decodes PNG images with libpng's simplified API (`png_image`), which traps libpng's
/// errors internally and reports them as `EncoderError.corruptInput`.
///
/// Any PNG libpng reads is accepted: grey, palette and 16-bit images are converted to 8-bit
/// RGB or RGBA (16-bit and non-sRGB images go through libpng's colour conversion, so only
/// 8-bit sRGB images such as `PNGEncoder`'s come back bit-exact).
public enum PNGDecoder {
    /// Decodes a PNG held in memory.
    ///
    /// - Parameters:
    ///   - bytes: the whole PNG file.
    ///   - layout: the layout wanted; `nil` gives `.rgba8` when the image has alpha (or
    ///     transparency) and `.rgb8` otherwise. Asking for `.rgb8` from an image with alpha
    ///     composites it onto black (in linear light); asking for `.rgba8` from an opaque
    ///     image adds alpha 255.
    /// - Throws: `EncoderError.corruptInput` with libpng's message if the bytes are not a
    ///   complete, valid PNG; `.invalidDimensions` if the image is larger than
    ///   `FrameGeometry.maxDimension` in either direction.
    public static func decode(_ bytes: UnsafeRawBufferPointer, as layout: PixelLayout? = nil) throws -> DecodedImage {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw EncoderError.corruptInput(format: "PNG", message: "no bytes")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_memory(&image, base, bytes.count) != 0 else {
            throw EncoderError.corruptInput(format: "PNG", message: message(of: &image))
        }
        let width = Int(image.width)
        let height = Int(image.height)
        let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        let layout = layout ?? (hasAlpha ? .rgba8 : .rgb8)
        let count: Int
        do {
            count = try FrameGeometry.byteCount(width: width, height: height, layout: layout)
        } catch {
            png_image_free(&image)
            throw error
        }
        image.format = UInt32(PNG_FORMAT_FLAG_COLOR) | (layout == .rgba8 ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)

        // Used only when alpha is removed; without it libpng would composite onto whatever
        // the (uninitialized) buffer holds.
        var black = png_color(red: 0, green: 0, blue: 0)
        var succeeded = false
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Row stride 0 means tightly packed; png_image_finish_read frees the reader.
            succeeded = png_image_finish_read(&image, &black, buffer.baseAddress, 0, nil) != 0
            initialized = succeeded ? count : 0
        }
        guard succeeded else {
            throw EncoderError.corruptInput(format: "PNG", message: message(of: &image))
        }
        return DecodedImage(width: width, height: height, layout: layout, pixels: pixels)
    }

    /// Decodes a PNG held in a byte collection (`[UInt8]`, `ArraySlice<UInt8>`, `Data`, ...);
    /// contiguous collections are read in place, others are copied first.
    public static func decode<Bytes: Collection>(_ bytes: Bytes, as layout: PixelLayout? = nil) throws -> DecodedImage
    where Bytes.Element == UInt8 {
        if let image = try bytes.withContiguousStorageIfAvailable({
            try decode(UnsafeRawBufferPointer($0), as: layout)
        }) {
            return image
        }
        return try Array(bytes).withUnsafeBytes { try decode($0, as: layout) }
    }

    /// The NUL-terminated message libpng left in `image.message`.
    private static func message(of image: inout png_image) -> String {
        let text = withUnsafeBytes(of: &image.message) { raw -> String in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        return text.isEmpty ? "libpng gave no reason" : text
    }
}
