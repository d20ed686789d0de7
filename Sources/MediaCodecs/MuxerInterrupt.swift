import CFFmpeg
import SplatCore
import Synchronization

/// Aborts a `MediaMuxer`'s blocking network calls: connecting to a server that does not
/// answer, or writing to one that stopped reading. libavformat polls it (through the
/// context's `AVIOInterruptCB`) while it waits; an aborted call fails with `AVERROR_EXIT`.
///
/// Either another thread cancels (an output being stopped), or the writing thread sets a
/// deadline before a call that may block and clears it after.
public final class MuxerInterrupt: Sendable {
    private let cancelled = Atomic<Bool>(false)
    /// Monotonic nanoseconds after which calls abort; 0: none.
    private let deadline = Atomic<UInt64>(0)

    public init() {}

    /// Aborts the call in progress and every later one (from any thread).
    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Whether `cancel()` was called.
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Aborts calls still running `seconds` from now.
    public func setDeadline(seconds: Double) {
        deadline.store(UInt64(max(1, (monotonicSeconds() + seconds) * 1e9)), ordering: .relaxed)
    }

    /// Removes the deadline.
    public func clearDeadline() { deadline.store(0, ordering: .relaxed) }

    /// Whether libavformat should give up now.
    var shouldAbort: Bool {
        if isCancelled { return true }
        let d = deadline.load(ordering: .relaxed)
        return d != 0 && UInt64(monotonicSeconds() * 1e9) > d
    }

    /// The callback libavformat polls, with this object as its opaque pointer (the muxer keeps
    /// the object alive as long as its context).
    var callback: AVIOInterruptCB {
        AVIOInterruptCB(
            callback: { opaque in
                guard let opaque else { return 0 }
                return Unmanaged<MuxerInterrupt>.fromOpaque(opaque).takeUnretainedValue().shouldAbort ? 1 : 0
            },
            opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}
