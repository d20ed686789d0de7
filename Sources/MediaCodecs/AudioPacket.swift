/// One encoded audio packet (an Opus packet of 20 ms or an AAC frame of 1024 samples; the last
/// one of a stream may be shorter) and its timing.
public struct AudioPacket: Sendable, Hashable {
    /// The packet, as the encoder made it (no container, no ADTS header).
    public var bytes: [UInt8]
    /// Presentation timestamp in 1/48000 s. The first packet starts `AudioEncoder.preSkip`
    /// samples before the first input sample: decoders drop those samples (Opus's pre-skip,
    /// AAC's priming), so the stream's first audible sample is at the first input time.
    public var pts: Int64
    /// Samples per channel the packet covers, at 48 kHz.
    public var duration: Int
    /// `pts` in microseconds.
    public var presentationTime: Int64 { pts * 1_000_000 / Int64(AudioSettings.outputSampleRate) }
    /// `duration` in microseconds.
    public var durationMicroseconds: Int64 { Int64(duration) * 1_000_000 / Int64(AudioSettings.outputSampleRate) }

    /// Creates a packet.
    public init(bytes: [UInt8], pts: Int64, duration: Int) {
        self.bytes = bytes
        self.pts = pts
        self.duration = duration
    }
}
