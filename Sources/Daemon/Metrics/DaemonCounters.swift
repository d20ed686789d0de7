import Synchronization

/// Daemon-wide counters: written by the I/O thread, read by `status` from any thread.
final class DaemonCounters: Sendable {
    /// Control requests received.
    let requests = Atomic<UInt64>(0)
    /// Control requests that could not be decoded.
    let malformedRequests = Atomic<UInt64>(0)
    /// Drive messages dropped before reaching an avatar (framing, decoding, unknown avatar).
    let malformedDriveFrames = Atomic<UInt64>(0)
    /// Audio messages dropped before reaching an avatar.
    let malformedAudioChunks = Atomic<UInt64>(0)
}
