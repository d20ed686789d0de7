/// Errors thrown by the frame encoders, the decoders and the codec parser.
///
/// Every case says what was wrong and what would have been accepted.
public enum EncoderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Width or height outside `1...FrameGeometry.maxDimension`.
    case invalidDimensions(width: Int, height: Int)
    /// The pixel buffer does not hold exactly `width * height * bytesPerPixel` bytes.
    case bufferSizeMismatch(expected: Int, actual: Int, width: Int, height: Int, layout: PixelLayout)
    /// A PNG compression level outside `0...9`.
    case invalidPNGLevel(Int)
    /// A JPEG quality outside `1...100`.
    case invalidJPEGQuality(Int)
    /// A codec string that `FrameCodec(parsing:)` does not understand; `reason` says why.
    case invalidCodec(String, reason: String)
    /// A file name whose extension does not select a codec.
    case unknownFileExtension(String)
    /// libpng or libturbojpeg failed; `message` is the library's own message.
    case libraryFailure(library: String, message: String)
    /// The bytes given to a decoder are not a valid image of that format; `message` is the
    /// library's own message.
    case corruptInput(format: String, message: String)

    /// A one-line message that names the bad value and what is accepted instead.
    public var description: String {
        switch self {
        case let .invalidDimensions(width, height):
            return "invalid frame dimensions \(width)×\(height): width and height must each be "
                + "in 1...\(FrameGeometry.maxDimension)"
        case let .bufferSizeMismatch(expected, actual, width, height, layout):
            return "pixel buffer holds \(actual) bytes, but a \(width)×\(height) \(layout) frame needs "
                + "exactly \(expected) (width × height × \(layout.bytesPerPixel), rows tightly packed)"
        case let .invalidPNGLevel(level):
            return "invalid PNG compression level \(level): use 0 (store) ... 9 (smallest); 1 is the fast default"
        case let .invalidJPEGQuality(quality):
            return "invalid JPEG quality \(quality): use 1 ... 100; 85 is the default"
        case let .invalidCodec(string, reason):
            return "invalid codec \"\(string)\": \(reason); expected one of "
                + "png, png:<level 0-9>, jpeg, jpeg:<quality 1-100>, raw"
        case let .unknownFileExtension(path):
            return "cannot choose a codec from the file name \"\(path)\": use the extension "
                + ".png, .jpg, .jpeg, .rgb, .rgba or .raw"
        case let .libraryFailure(library, message):
            return "\(library) failed: \(message)"
        case let .corruptInput(format, message):
            return "not a valid \(format) image: \(message)"
        }
    }
}
