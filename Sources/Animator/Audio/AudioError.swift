/// A problem with audio input or an audio-related file (WAV, viseme table).
public enum AudioError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A sample rate the resampler does not convert (see ``AudioResampler/supports(rate:)``).
    case unsupportedSampleRate(Int)
    /// A channel count other than 1 or 2.
    case unsupportedChannelCount(Int)
    /// A viseme table file that breaks the format (see `docs/formats.md`, "Viseme table file").
    case invalidVisemeTable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupportedSampleRate(rate):
            return "unsupported audio sample rate \(rate) Hz (common rates 8000…192000 Hz are converted: "
                + "8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000…)"
        case let .unsupportedChannelCount(count):
            return "unsupported audio channel count \(count) (1 or 2 channels, interleaved)"
        case let .invalidVisemeTable(path, reason):
            return "\(path): not a viseme table: \(reason)"
        }
    }
}
