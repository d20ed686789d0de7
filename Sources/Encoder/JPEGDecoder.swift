import CTurboJPEG

/// Decodes JPEG images with libturbojpeg (`tjDecompress2`, accurate DCT).
///
/// Decoding is strict: anything libturbojpeg reports, warnings included (a truncated file, a
/// corrupt entropy-coded segment), is thrown as `EncoderError.corruptInput`, because a
/// frame that decodes with a warning is a damaged frame. Each call creates and frees its own
/// TurboJPEG handle, so `decode` may be called from any thread.
public enum JPEGDecoder {
    /// Decodes a JPEG held in memory.
    ///
    /// - Parameters:
    ///   - bytes: the whole JPEG file.
    ///   - layout: `.rgb8` (default) or `.rgba8` (alpha 255). Greyscale JPEGs are expanded.
    /// - Throws: `EncoderError.corruptInput` with libturbojpeg's message if the bytes are not
    ///   a complete, valid JPEG; `.invalidDimensions` if the image is larger than
    ///   `FrameGeometry.maxDimension` in either direction; `.libraryFailure` if no handle can
    ///   be created.
    public static func decode(_ bytes: UnsafeRawBufferPointer, as layout: PixelLayout = .rgb8) throws -> DecodedImage {
        guard let base = bytes.assumingBytes.baseAddress, !bytes.isEmpty else {
            throw EncoderError.corruptInput(format: "JPEG", message: "no bytes")
        }
        guard let handle = tjInitDecompress() else {
            throw EncoderError.libraryFailure(library: "libturbojpeg", message: JPEGEncoder.lastError(nil))
        }
        defer { tjDestroy(handle) }

        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = 0
        var colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw EncoderError.corruptInput(format: "JPEG", message: JPEGEncoder.lastError(handle))
        }
        guard width > 0, height > 0 else {
            // libjpeg reaches the end of a truncated header with a warning and no frame.
            throw EncoderError.corruptInput(format: "JPEG", message: "no frame header (file truncated?)")
        }
        let count = try FrameGeometry.byteCount(width: Int(width), height: Int(height), layout: layout)
        let pixelFormat = layout == .rgba8 ? TJPF_RGBA : TJPF_RGB

        var status: Int32 = -1
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            status = tjDecompress2(
                handle, base, UInt(bytes.count), buffer.baseAddress, width,
                width * Int32(layout.bytesPerPixel), height, Int32(pixelFormat.rawValue), 0)
            initialized = status == 0 ? count : 0
        }
        guard status == 0 else {
            throw EncoderError.corruptInput(format: "JPEG", message: JPEGEncoder.lastError(handle))
        }
        return DecodedImage(width: Int(width), height: Int(height), layout: layout, pixels: pixels)
    }

    /// Decodes a JPEG held in a byte collection (`[UInt8]`, `ArraySlice<UInt8>`, `Data`, ...);
    /// contiguous collections are read in place, others are copied first.
    public static func decode<Bytes: Collection>(_ bytes: Bytes, as layout: PixelLayout = .rgb8) throws -> DecodedImage
    where Bytes.Element == UInt8 {
        if let image = try bytes.withContiguousStorageIfAvailable({
            try decode(UnsafeRawBufferPointer($0), as: layout)
        }) {
            return image
        }
        return try Array(bytes).withUnsafeBytes { try decode($0, as: layout) }
    }
}
