/// Errors thrown by the H.264 and audio encoders.
///
/// Every case says what was wrong and what would have been accepted, so that the message can
/// be shown to whoever chose the setting.
public enum MediaCodecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The FFmpeg build has no encoder of this name (`"libx264"`, `"libopus"`, `"aac"`).
    case encoderUnavailable(String)
    /// Width or height outside `1...H264Settings.maxDimension`, or not even.
    case invalidDimensions(width: Int, height: Int)
    /// A frame whose size differs from the one the encoder was opened for.
    case frameSizeChanged(expectedWidth: Int, expectedHeight: Int, width: Int, height: Int)
    /// The pixel buffer does not hold exactly `width * height * bytesPerPixel` bytes.
    case bufferSizeMismatch(expected: Int, actual: Int, width: Int, height: Int, layout: VideoPixelLayout)
    /// A frame rate outside `H264Settings.frameRates`.
    case invalidFrameRate(Int)
    /// A bitrate outside the range the codec accepts; `range` is in kbit/s.
    case invalidBitrate(kbps: Int, range: ClosedRange<Int>)
    /// A CRF outside `H264Settings.crfRange`.
    case invalidCRF(Double)
    /// A GOP length outside `H264Settings.gopSecondsRange`.
    case invalidGOP(seconds: Double)
    /// A VBV buffer length outside `H264Settings.vbvSecondsRange`.
    case invalidVBVBuffer(seconds: Double)
    /// An encoder thread count outside `1...16`.
    case invalidThreadCount(Int)
    /// An audio sample rate outside `AudioSettings.inputSampleRates`.
    case invalidSampleRate(Int)
    /// A channel count other than 1 or 2.
    case invalidChannelCount(Int)
    /// PCM whose sample count is not a multiple of the channel count.
    case partialAudioFrame(samples: Int, channels: Int)
    /// A presentation time not after the previous frame's.
    case nonIncreasingTimestamp(previousMicroseconds: Int64, microseconds: Int64)
    /// Audio or video given after `flush()`.
    case flushed
    /// FFmpeg reported an error; `operation` is the call that failed and `message` FFmpeg's
    /// own text for the error code.
    case libraryFailure(operation: String, code: Int32, message: String)

    /// A one-line message that names the bad value and what is accepted instead.
    public var description: String {
        switch self {
        case let .encoderUnavailable(name):
            return "\(name) is not available in this FFmpeg build: install Debian's libavcodec59 "
                + "(built with \(name)), or run scripts/bootstrap"
        case let .invalidDimensions(width, height):
            return "invalid video size \(width)×\(height): width and height must be even and in "
                + "2...\(H264Settings.maxDimension) (4:2:0 chroma covers 2×2 pixels)"
        case let .frameSizeChanged(expectedWidth, expectedHeight, width, height):
            return "frame is \(width)×\(height) but the encoder was opened for \(expectedWidth)×\(expectedHeight): "
                + "open a new encoder for the new size"
        case let .bufferSizeMismatch(expected, actual, width, height, layout):
            return "pixel buffer holds \(actual) bytes, but a \(width)×\(height) \(layout) frame needs "
                + "exactly \(expected) (width × height × \(layout.bytesPerPixel), rows tightly packed)"
        case let .invalidFrameRate(fps):
            return "invalid frame rate \(fps): use \(H264Settings.frameRates.lowerBound)..."
                + "\(H264Settings.frameRates.upperBound) frames per second"
        case let .invalidBitrate(kbps, range):
            return "invalid bitrate \(kbps) kbit/s: use \(range.lowerBound)...\(range.upperBound) kbit/s"
        case let .invalidCRF(crf):
            return "invalid CRF \(crf): use \(H264Settings.crfRange.lowerBound)...\(H264Settings.crfRange.upperBound) "
                + "(lower is better quality; 23 is x264's default)"
        case let .invalidGOP(seconds):
            return "invalid GOP length \(seconds) s: use \(H264Settings.gopSecondsRange.lowerBound)..."
                + "\(H264Settings.gopSecondsRange.upperBound) seconds between keyframes"
        case let .invalidVBVBuffer(seconds):
            return "invalid VBV buffer \(seconds) s: use \(H264Settings.vbvSecondsRange.lowerBound)..."
                + "\(H264Settings.vbvSecondsRange.upperBound) seconds of the bitrate"
        case let .invalidThreadCount(threads):
            return "invalid encoder thread count \(threads): use 1...16"
        case let .invalidSampleRate(rate):
            return "invalid audio sample rate \(rate) Hz: use \(AudioSettings.inputSampleRates.lowerBound)..."
                + "\(AudioSettings.inputSampleRates.upperBound) Hz"
        case let .invalidChannelCount(channels):
            return "invalid channel count \(channels): use 1 (mono) or 2 (stereo, interleaved)"
        case let .partialAudioFrame(samples, channels):
            return "\(samples) samples do not divide into \(channels) interleaved channels: "
                + "give whole frames (samples × channels values)"
        case let .nonIncreasingTimestamp(previous, current):
            return "presentation time \(current) µs is not after the previous one (\(previous) µs): "
                + "timestamps must increase"
        case .flushed:
            return "the encoder was flushed at the end of its stream: create a new encoder for more input"
        case let .libraryFailure(operation, code, message):
            return "FFmpeg \(operation) failed (\(code)): \(message)"
        }
    }
}
