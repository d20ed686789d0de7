/// How `AudioEncoder` encodes: the codec, the input's sample rate and channels, the bitrate,
/// and (Opus) the application.
///
/// Fixed choices: the input is resampled to 48 kHz and cut into the codec's frames — 20 ms
/// (960 samples per channel) for Opus, 1024 samples for AAC.
public struct AudioSettings: Sendable, Hashable {
    /// The input sample rates accepted, in Hz.
    public static let inputSampleRates = 8_000...48_000
    /// The rate both codecs encode at, and the time base of `AudioPacket.pts`: 48 kHz.
    public static let outputSampleRate = 48_000

    /// What the audio is encoded as.
    public var codec: AudioCodec
    /// The input's sample rate in Hz, `8000...48000`.
    public var sampleRate: Int
    /// 1 (mono) or 2 (stereo, samples interleaved left, right).
    public var channels: Int
    /// Target bitrate in kbit/s for all channels together (default: the codec's).
    public var bitrateKbps: Int
    /// What libopus tunes for (default `.voip`); AAC ignores it.
    public var application: OpusApplication

    /// Settings for PCM at `sampleRate` Hz with `channels` channels.
    public init(
        codec: AudioCodec = .opus, sampleRate: Int, channels: Int = 1, bitrateKbps: Int? = nil,
        application: OpusApplication = .voip
    ) {
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitrateKbps = bitrateKbps ?? codec.defaultBitrateKbps
        self.application = application
    }

    /// Checks every setting.
    ///
    /// - Throws: `MediaCodecError.invalidSampleRate`, `.invalidChannelCount` or `.invalidBitrate`.
    public func validate() throws {
        guard Self.inputSampleRates.contains(sampleRate) else { throw MediaCodecError.invalidSampleRate(sampleRate) }
        guard (1...2).contains(channels) else { throw MediaCodecError.invalidChannelCount(channels) }
        guard codec.bitrates.contains(bitrateKbps) else {
            throw MediaCodecError.invalidBitrate(kbps: bitrateKbps, range: codec.bitrates)
        }
    }
}
