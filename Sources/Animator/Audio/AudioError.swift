/// A problem with audio input or an audio-related file (WAV, viseme table).
public enum AudioError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A sample rate the resampler does not convert (see ``AudioResampler/supports(rate:)``).
    case unsupportedSampleRate(Int)
    /// A channel count other than 1 or 2.
    case unsupportedChannelCount(Int)
    /// A WAV file that cannot be read: not RIFF/WAVE, a sample format other than PCM 8/16/24/32
    /// or float 32, or a truncated chunk.
    case malformedWAV(path: String, reason: String)
    /// A viseme table file that breaks the format (see `docs/formats.md`, "Viseme table file").
    case invalidVisemeTable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupportedSampleRate(rate):
            return "unsupported audio sample rate \(rate) Hz (common rates 8000…192000 Hz are converted: "
                + "8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000…)"
        case let .unsupportedChannelCount(count):
            return "unsupported audio channel count \(count) (1 or 2 channels, interleaved)"
        case let .malformedWAV(path, reason):
            return "\(path): not a readable WAV file: \(reason)"
        case let .invalidVisemeTable(path, reason):
            return "\(path): not a viseme table: \(reason)"
        }
    }
}
