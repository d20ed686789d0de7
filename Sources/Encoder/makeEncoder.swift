/// Creates the encoder for `codec`: `PNGEncoder`, `JPEGEncoder` or `RawEncoder`.
///
/// A `JPEGEncoder` holds a TurboJPEG handle and is not thread-safe; create one encoder per
/// stream or thread.
///
/// - Throws: `EncoderError.invalidPNGLevel` or `.invalidJPEGQuality` for a setting out of
///   range, `.libraryFailure` if libturbojpeg cannot create a compressor.
public func makeEncoder(for codec: FrameCodec) throws -> any FrameEncoding {
    switch codec {
    case let .png(level): return try PNGEncoder(level: level)
    case let .jpeg(quality): return try JPEGEncoder(quality: quality)
    case .raw: return RawEncoder()
    }
}
