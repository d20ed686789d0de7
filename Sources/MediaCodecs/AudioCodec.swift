/// The audio codecs `AudioEncoder` writes.
///
/// Opus is the better codec for speech at low bitrates and low delay (splatd's own viewers,
/// Matroska, RTP, WebRTC); AAC is what RTMP (FLV) and most MP4 players require.
public enum AudioCodec: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Opus with libopus: 20 ms packets.
    case opus
    /// AAC-LC with FFmpeg's own encoder: 1024-sample frames (21.3 ms at 48 kHz).
    case aac

    public var description: String { rawValue }

    /// The libavcodec encoder's name.
    var encoderName: String {
        switch self {
        case .opus: "libopus"
        case .aac: "aac"
        }
    }

    /// Samples per channel in one frame at 48 kHz.
    public var frameSamples: Int {
        switch self {
        case .opus: 960
        case .aac: 1024
        }
    }

    /// The bitrates accepted, in kbit/s (libopus takes 6–510; AAC below 16 is unintelligible).
    public var bitrates: ClosedRange<Int> {
        switch self {
        case .opus: 6...510
        case .aac: 16...320
        }
    }

    /// The default bitrate in kbit/s: clear wide-band speech (32 for Opus, 64 for AAC).
    public var defaultBitrateKbps: Int {
        switch self {
        case .opus: 32
        case .aac: 64
        }
    }
}
