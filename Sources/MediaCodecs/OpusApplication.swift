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
