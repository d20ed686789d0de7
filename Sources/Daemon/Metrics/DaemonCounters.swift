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
    /// CURVE handshakes refused (unknown key) and messages from keys revoked since.
    let authDenied = Atomic<UInt64>(0)
    /// Requests refused with `STATUS_PERMISSION_DENIED`.
    let requestsDenied = Atomic<UInt64>(0)
    /// Frames-endpoint subscriptions the subscriber's role does not allow (not applied).
    let subscriptionsRefused = Atomic<UInt64>(0)
    /// Drive frames and audio chunks for avatars their sender may not drive.
    let driveDenied = Atomic<UInt64>(0)
    /// Frames-endpoint connections closed (viewers that left, and stalled ones cut off).
    let viewerDisconnects = Atomic<UInt64>(0)
}
