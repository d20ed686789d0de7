/// How `OpusEncoder` encodes: the input's sample rate and channels, bitrate and application.
///
/// Fixed choices: the input is resampled to 48 kHz (Opus's own rate) and cut into 20 ms
/// packets of 960 samples per channel.
public struct OpusSettings: Sendable, Hashable {
    /// The input sample rates accepted, in Hz.
    public static let inputSampleRates = 8_000...48_000
    /// The bitrates accepted, in kbit/s (libopus takes 6–510 kbit/s).
    public static let bitrates = 6...510
    /// The rate Opus encodes at, and the time base of `OpusPacket.pts`: 48 kHz.
    public static let outputSampleRate = 48_000
    /// Samples per channel in one packet at 48 kHz: 960 (20 ms).
    public static let packetSamples = 960
    /// 32 kbit/s: clear wide-band speech (mono); music wants 64 kbit/s or more.
    public static let defaultBitrateKbps = 32

    /// The input's sample rate in Hz, `8000...48000`.
    public var sampleRate: Int
    /// 1 (mono) or 2 (stereo, samples interleaved left, right).
    public var channels: Int
    /// Target bitrate in kbit/s for all channels together (default 32).
    public var bitrateKbps: Int
    /// What libopus tunes for (default `.voip`).
    public var application: OpusApplication

    /// Settings for PCM at `sampleRate` Hz with `channels` channels.
    public init(
        sampleRate: Int, channels: Int = 1, bitrateKbps: Int = OpusSettings.defaultBitrateKbps,
        application: OpusApplication = .voip
    ) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitrateKbps = bitrateKbps
        self.application = application
    }

    /// Checks every setting.
    ///
    /// - Throws: `MediaCodecError.invalidSampleRate`, `.invalidChannelCount` or `.invalidBitrate`.
    public func validate() throws {
        guard Self.inputSampleRates.contains(sampleRate) else { throw MediaCodecError.invalidSampleRate(sampleRate) }
        guard (1...2).contains(channels) else { throw MediaCodecError.invalidChannelCount(channels) }
        guard Self.bitrates.contains(bitrateKbps) else {
            throw MediaCodecError.invalidBitrate(kbps: bitrateKbps, range: Self.bitrates)
        }
    }
}

/// The libopus application mode (`OPUS_APPLICATION_*`).
public enum OpusApplication: String, Sendable, Hashable, CaseIterable {
    /// Speech: SILK and hybrid modes, best intelligibility at low bitrates (26.5 ms
    /// algorithmic delay).
    case voip
    /// General audio and music.
    case audio
    /// CELT only: the lowest algorithmic delay (5 ms), less efficient for speech.
    case lowDelay = "lowdelay"
}

/// One Opus packet (20 ms, or less for the last one) and its timing.
public struct OpusPacket: Sendable, Hashable {
    /// The packet, as libopus made it (one Opus frame, no container).
    public var bytes: [UInt8]
    /// Presentation timestamp in 1/48000 s. The first packet starts `OpusEncoder.preSkip`
    /// samples before the first input sample: decoders drop those samples (the OpusHead
    /// pre-skip), so the stream's first audible sample is at the first input time.
    public var pts: Int64
    /// Samples per channel the packet covers, at 48 kHz (960, less for the last one).
    public var duration: Int
    /// `pts` in microseconds.
    public var presentationTime: Int64 { pts * 1_000_000 / Int64(OpusSettings.outputSampleRate) }
    /// `duration` in microseconds.
    public var durationMicroseconds: Int64 { Int64(duration) * 1_000_000 / Int64(OpusSettings.outputSampleRate) }

    /// Creates a packet.
    public init(bytes: [UInt8], pts: Int64, duration: Int) {
        self.bytes = bytes
        self.pts = pts
        self.duration = duration
    }
}
