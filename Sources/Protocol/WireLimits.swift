/// Size limits enforced on every message before it is decoded, so that no peer can make the
/// daemon allocate or parse without bound.
public enum WireLimits {
    /// The protocol version this build speaks.
    public static let version: UInt32 = 1
    /// The release of splatd and its clients (`--version`, `ping` replies).
    public static let release = "0.1.0"
    /// Largest control request, bytes.
    public static let maximumRequestBytes = 64 * 1024
    /// Largest drive frame, bytes (1000 expression coefficients fit easily).
    public static let maximumDriveFrameBytes = 16 * 1024
    /// Largest audio chunk, bytes (one second of 48 kHz stereo is 192 kB).
    public static let maximumAudioChunkBytes = 256 * 1024
    /// Frames per message on the control endpoint: ROUTER identity, (empty delimiter), body.
    public static let maximumControlFrames = 3
}
