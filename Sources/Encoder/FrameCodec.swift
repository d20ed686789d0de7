/// An image codec and its setting, as chosen on the command line, in configuration and in
/// stream requests.
///
/// The textual form (`description`, `init(parsing:)`) is `png`, `png:<level>`, `jpeg`,
/// `jpeg:<quality>` or `raw`; `jpg` is accepted for `jpeg`.
public enum FrameCodec: Sendable, Hashable, CustomStringConvertible, LosslessStringConvertible {
    /// Lossless PNG (libpng) with zlib compression `level` in `0...9`.
    case png(level: Int)
    /// Lossy baseline JPEG (libturbojpeg, 4:2:0 chroma subsampling) with `quality` in `1...100`.
    case jpeg(quality: Int)
    /// The pixels themselves, uncompressed, in the frame's `PixelLayout`.
    case raw

    /// PNG at level 1 with a fixed row filter: the fastest setting that still compresses.
    public static let defaultPNG = FrameCodec.png(level: 1)
    /// JPEG at quality 85.
    public static let defaultJPEG = FrameCodec.jpeg(quality: 85)
    /// The PNG compression levels libpng accepts.
    public static let pngLevels = 0...9
    /// The JPEG qualities libturbojpeg accepts.
    public static let jpegQualities = 1...100

    /// The codec family: `"png"`, `"jpeg"` or `"raw"`.
    public var name: String {
        switch self {
        case .png: return "png"
        case .jpeg: return "jpeg"
        case .raw: return "raw"
        }
    }

    /// The canonical textual form, e.g. `"png:1"`, `"jpeg:85"`, `"raw"`; `init(parsing:)`
    /// reads it back.
    public var description: String {
        switch self {
        case let .png(level): return "png:\(level)"
        case let .jpeg(quality): return "jpeg:\(quality)"
        case .raw: return "raw"
        }
    }

    /// The usual file extension without the dot: `"png"`, `"jpg"` or `"rgb"`.
    public var fileExtension: String {
        switch self {
        case .png: return "png"
        case .jpeg: return "jpg"
        case .raw: return "rgb"
        }
    }

    /// Whether decoding gives back exactly the encoded pixels (`png` and `raw`).
    public var isLossless: Bool {
        if case .jpeg = self { return false }
        return true
    }

    /// Checks the setting: PNG level in `0...9`, JPEG quality in `1...100`.
    ///
    /// - Throws: `EncoderError.invalidPNGLevel` or `EncoderError.invalidJPEGQuality`.
    public func validate() throws {
        switch self {
        case let .png(level):
            guard Self.pngLevels.contains(level) else { throw EncoderError.invalidPNGLevel(level) }
        case let .jpeg(quality):
            guard Self.jpegQualities.contains(quality) else { throw EncoderError.invalidJPEGQuality(quality) }
        case .raw:
            break
        }
    }

    /// Parses `png`, `png:<0-9>`, `jpeg`, `jpg`, `jpeg:<1-100>`, `jpg:<1-100>` or `raw`
    /// (case-insensitive, surrounding white space ignored). A bare `png` means
    /// `defaultPNG`, a bare `jpeg` means `defaultJPEG`.
    ///
    /// - Throws: `EncoderError.invalidCodec` for an unknown name, a malformed or missing
    ///   setting, or a setting out of range.
    public init(parsing string: String) throws {
        let text = string.trimmingWhitespace().lowercased()
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts.first.map(String.init) ?? ""
        let setting: Int?
        if parts.count == 2 {
            guard let value = Int(parts[1]) else {
                throw EncoderError.invalidCodec(string, reason: "the setting after ':' must be an integer")
            }
            setting = value
        } else {
            setting = nil
        }
        switch name {
        case "png":
            let level = setting ?? 1
            guard Self.pngLevels.contains(level) else {
                throw EncoderError.invalidCodec(string, reason: "PNG level \(level) is not in 0...9")
            }
            self = .png(level: level)
        case "jpeg", "jpg":
            let quality = setting ?? 85
            guard Self.jpegQualities.contains(quality) else {
                throw EncoderError.invalidCodec(string, reason: "JPEG quality \(quality) is not in 1...100")
            }
            self = .jpeg(quality: quality)
        case "raw":
            guard setting == nil else {
                throw EncoderError.invalidCodec(string, reason: "raw takes no setting")
            }
            self = .raw
        case "":
            throw EncoderError.invalidCodec(string, reason: "the codec name is empty")
        default:
            throw EncoderError.invalidCodec(string, reason: "unknown codec name \"\(name)\"")
        }
    }

    /// Parses the textual form like `init(parsing:)`, returning `nil` instead of throwing.
    public init?(_ description: String) {
        guard let codec = try? FrameCodec(parsing: description) else { return nil }
        self = codec
    }

    /// Chooses the codec from a file name's extension (case-insensitive): `.png` gives
    /// `defaultPNG`, `.jpg`/`.jpeg` give `defaultJPEG`, `.rgb`/`.rgba`/`.raw` give `raw`.
    ///
    /// - Throws: `EncoderError.unknownFileExtension` for any other or a missing extension.
    public init(forFileName path: String) throws {
        let fileName = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else {
            throw EncoderError.unknownFileExtension(path)
        }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "png": self = .defaultPNG
        case "jpg", "jpeg": self = .defaultJPEG
        case "rgb", "rgba", "raw": self = .raw
        default: throw EncoderError.unknownFileExtension(path)
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks (no Foundation).
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
